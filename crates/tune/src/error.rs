//! The crate's one error type, and the outcome type an objective returns.

use std::fmt;

/// Everything that can go wrong in gradus-tune.
///
/// Messages name the parameter, trial or setting at fault and say how to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A numeric range whose lower bound exceeds its upper bound.
    #[error("parameter `{name}`: low ({low}) is greater than high ({high}); swap the bounds")]
    LowGreaterThanHigh {
        /// Parameter name.
        name: String,
        /// Lower bound given.
        low: f64,
        /// Upper bound given.
        high: f64,
    },
    /// A log-scaled range with a non-positive lower bound.
    #[error(
        "parameter `{name}`: a log scale needs low > 0 (bounds are given in natural space), \
         got low = {low}; use a positive lower bound or a linear scale"
    )]
    LogNonPositiveLow {
        /// Parameter name.
        name: String,
        /// Lower bound given.
        low: f64,
    },
    /// A step that is zero, negative or not finite.
    #[error("parameter `{name}`: step must be positive and finite, got {step}")]
    NonPositiveStep {
        /// Parameter name.
        name: String,
        /// Step given.
        step: f64,
    },
    /// A step larger than the range it divides.
    #[error(
        "parameter `{name}`: step {step} is larger than the range [{low}, {high}]; \
         use a smaller step or a wider range"
    )]
    StepLargerThanRange {
        /// Parameter name.
        name: String,
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
        /// Step given.
        step: f64,
    },
    /// A stepped float range with more than 2^53 points, which floats cannot tell apart.
    #[error(
        "parameter `{name}`: step {step} divides [{low}, {high}] into more than 2^53 points, \
         which floats cannot tell apart; use a step of at least {min_step} or no step"
    )]
    TooManySteps {
        /// Parameter name.
        name: String,
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
        /// Step given.
        step: f64,
        /// The smallest step that keeps the range within 2^53 points.
        min_step: f64,
    },
    /// A log scale combined with a step the distribution cannot honour.
    #[error(
        "parameter `{name}`: log scale and step cannot be combined (floats take no step on a \
         log scale, integers only step 1); drop one of them"
    )]
    LogWithStep {
        /// Parameter name.
        name: String,
    },
    /// A bound that is NaN or infinite.
    #[error("parameter `{name}`: bounds must be finite numbers, got [{low}, {high}]")]
    NonFiniteBound {
        /// Parameter name.
        name: String,
        /// Lower bound given.
        low: f64,
        /// Upper bound given.
        high: f64,
    },
    /// A NaN or infinite float among a parameter's choices, grid values or enqueued values.
    #[error(
        "parameter `{name}`: {value} is not a finite number, and storages record values as \
         JSON, which has no NaN or infinity; use a finite number (or a string)"
    )]
    NonFiniteValue {
        /// Parameter name.
        name: String,
        /// The value.
        value: f64,
    },
    /// A categorical parameter with no choices.
    #[error("parameter `{name}`: the choice list is empty; give at least one choice")]
    EmptyChoices {
        /// Parameter name.
        name: String,
    },
    /// The same name suggested twice in one trial with different distributions.
    #[error(
        "parameter `{name}` was already suggested in trial {trial} as {previous}, now as \
         {requested}; a name keeps one distribution within a trial (use another name)"
    )]
    InconsistentDistribution {
        /// Parameter name.
        name: String,
        /// Trial number.
        trial: u64,
        /// The distribution suggested first.
        previous: String,
        /// The distribution suggested now.
        requested: String,
    },
    /// A parameter whose kind (float / int / categorical), log flag or choices differ from the
    /// ones used for the same name by earlier trials of the study.
    #[error(
        "parameter `{name}` is {existing} in this study but was suggested as {requested}; \
         keep the kind, log flag and choices of a name fixed across trials (ranges may change)"
    )]
    IncompatibleDistribution {
        /// Parameter name.
        name: String,
        /// The study's distribution for the name.
        existing: String,
        /// The distribution requested.
        requested: String,
    },
    /// A value (enqueued, from a grid, or read back) that does not fit its distribution.
    #[error("parameter `{name}`: value {value} does not fit {distribution}")]
    IncompatibleValue {
        /// Parameter name.
        name: String,
        /// The value.
        value: String,
        /// The distribution.
        distribution: String,
    },
    /// A parameter that the grid of a [`crate::GridSampler`] does not list.
    #[error(
        "parameter `{name}` is not in the grid; add it to the GridSampler's grid \
         (grid parameters: {known})"
    )]
    NotInGrid {
        /// Parameter name.
        name: String,
        /// The grid's parameter names, comma separated.
        known: String,
    },
    /// The sampler has nothing left to propose (a grid whose every point is evaluated or
    /// running). `optimize` treats it as the end of the study.
    #[error(
        "the sampler has no point left to propose (every grid point is evaluated or running); \
         enlarge the grid or stop asking"
    )]
    SearchSpaceExhausted,
    /// A grid with no parameter or a parameter with no value.
    #[error("grid parameter `{name}` has no values; give at least one value per parameter")]
    EmptyGrid {
        /// Parameter name (empty when the grid has no parameter at all).
        name: String,
    },
    /// A study name that the storage does not know.
    #[error("study `{0}` does not exist in this storage; create it first")]
    StudyNotFound(String),
    /// A study name that is already taken.
    #[error("a study named `{0}` already exists; load it (load_if_exists) or pick another name")]
    DuplicatedStudy(String),
    /// A trial id or number that the storage does not know.
    #[error("trial {0} does not exist in this storage")]
    TrialNotFound(String),
    /// An attempt to modify a finished trial.
    #[error("trial {number} is already finished ({state}); finished trials cannot be modified")]
    TrialFinished {
        /// Trial number.
        number: u64,
        /// Its state.
        state: String,
    },
    /// A query that needs at least one complete trial.
    #[error("the study has no complete trial yet; run some trials first")]
    NoCompleteTrial,
    /// A parameter read from [`Params`](crate::Params) is missing or of another type.
    #[error("parameter `{name}`: {problem}")]
    Param {
        /// The parameter's name.
        name: String,
        /// What is wrong, and what the parameters hold.
        problem: String,
    },
    /// A setting outside its valid range.
    #[error("invalid setting `{name}`: {reason}")]
    InvalidConfig {
        /// Setting name.
        name: &'static str,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// A storage backend failure (connection lost, server unreachable, I/O).
    #[error("storage error: {0}")]
    Storage(String),
    /// A database that this build must not use: not a database at all, another program's
    /// tables, or a newer gradus schema. Nothing was changed in it; point the storage at
    /// another file or database (or upgrade gradus).
    #[error("unusable database: {0}")]
    IncompatibleDatabase(String),
    /// Writing an export failed.
    #[error("could not write the trials: {0}")]
    Io(#[from] std::io::Error),
    /// Writing CSV failed.
    #[error("could not write the trials as CSV: {0}")]
    Csv(#[from] csv::Error),
    /// JSON encoding failed.
    #[error("could not encode JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A worker thread panicked outside the objective (objective panics only fail their trial).
    #[error(
        "a worker thread panicked outside the objective (in a study callback?); finished trials are kept in the storage"
    )]
    WorkerPanicked,
    /// A sampler or pruner panicked (a bug in it); the call that ran it fails instead.
    #[error(
        "the {component} panicked while {task}: {message} (a bug in the {component}; report it \
         with this message, and use another {component} meanwhile)"
    )]
    Panicked {
        /// `sampler` or `pruner`.
        component: &'static str,
        /// What it was asked to do.
        task: String,
        /// The panic message.
        message: String,
    },
    /// The one-thread rayon pool of a worker could not be built.
    #[error("could not build a worker's thread pool: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
}

/// Result alias of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an objective did not return a value: the trial was pruned, or it failed.
///
/// Return `Err(TrialError::Pruned)` after [`crate::Trial::should_prune`] said so (like raising
/// `optuna.TrialPruned`): the trial becomes [`crate::TrialState::Pruned`]. Any other error — `?`
/// converts every `std::error::Error` — makes the trial [`crate::TrialState::Failed`] with the
/// error's message recorded, and the study goes on.
///
/// Like `anyhow::Error`, this type does not implement `std::error::Error` itself, so that the
/// blanket `From` conversion can exist.
pub enum TrialError {
    /// The trial was pruned.
    Pruned,
    /// The trial failed with this error.
    Failed(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl TrialError {
    /// A failure with a plain message.
    pub fn msg(message: impl Into<String>) -> Self {
        TrialError::Failed(message.into().into())
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for TrialError {
    fn from(error: E) -> Self {
        TrialError::Failed(Box::new(error))
    }
}

impl fmt::Display for TrialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrialError::Pruned => f.write_str("trial pruned"),
            TrialError::Failed(e) => write!(f, "{e}"),
        }
    }
}

impl fmt::Debug for TrialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrialError::Pruned => f.write_str("Pruned"),
            TrialError::Failed(e) => write!(f, "Failed({e:?})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_mark_turns_any_error_into_failed() {
        fn objective() -> Result<f64, TrialError> {
            let x: f64 = "not a number".parse()?;
            Ok(x)
        }
        match objective() {
            Err(TrialError::Failed(e)) => assert_eq!(e.to_string(), "invalid float literal"),
            other => panic!("expected Failed, got {other:?}"),
        }
    }

    #[test]
    fn messages_name_the_parameter_and_the_fix() {
        let e = Error::LowGreaterThanHigh {
            name: "lr".into(),
            low: 1.0,
            high: 0.1,
        };
        assert_eq!(
            e.to_string(),
            "parameter `lr`: low (1) is greater than high (0.1); swap the bounds"
        );
        assert_eq!(TrialError::msg("boom").to_string(), "boom");
    }
}
