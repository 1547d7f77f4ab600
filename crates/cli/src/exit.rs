//! [`CliError`]: what a command reports when it fails, and the exit code that goes with it.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | runtime failure: an unreachable server, an I/O error, a storage that failed mid-call, a study with no complete trial yet, a diverging fit |
//! | 2 | bad usage or input: a bad spec (its file, line and column named), URL, space or data file, an unknown study or trial, a finished trial, a file that is not a gradus study database or has a newer schema, a command that cannot be started |
//!
//! Library errors are sorted into the two kinds by [`CliError::from`]; each command adds
//! what it was doing (the study, trial, file or URL) with [`CliError::context`].

use std::fmt;
use std::process::ExitCode;

use gradus::tune::Error as TuneError;

/// The two ways a command can fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Something failed at run time (exit code 1).
    Runtime,
    /// The command line or its input is wrong (exit code 2).
    Usage,
}

/// A failed command: its kind and a message that names what failed and how to fix it.
#[derive(Debug)]
pub struct CliError {
    kind: Kind,
    message: String,
}

/// `Result` with [`CliError`].
pub type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    /// A bad-usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            kind: Kind::Usage,
            message: message.into(),
        }
    }

    /// A runtime error (exit code 1).
    pub fn runtime(message: impl Into<String>) -> Self {
        CliError {
            kind: Kind::Runtime,
            message: message.into(),
        }
    }

    /// The same error, its message prefixed with `what` (`"study `s` in URL"`).
    pub fn context(self, what: impl fmt::Display) -> Self {
        CliError {
            kind: self.kind,
            message: format!("{what}: {}", self.message),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The process exit code: 1 for runtime failures, 2 for bad usage.
    pub fn exit_code(&self) -> ExitCode {
        match self.kind {
            Kind::Runtime => ExitCode::from(1),
            Kind::Usage => ExitCode::from(2),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// The kind of a tuner error: what the user gave (a study name, a range, a URL, a database
/// file) is a usage error; what happened while running is a runtime error.
pub fn kind_of(e: &TuneError) -> Kind {
    match e {
        TuneError::LowGreaterThanHigh { .. }
        | TuneError::LogNonPositiveLow { .. }
        | TuneError::NonPositiveStep { .. }
        | TuneError::StepLargerThanRange { .. }
        | TuneError::TooManySteps { .. }
        | TuneError::LogWithStep { .. }
        | TuneError::NonFiniteBound { .. }
        | TuneError::NonFiniteValue { .. }
        | TuneError::EmptyChoices { .. }
        | TuneError::InconsistentDistribution { .. }
        | TuneError::IncompatibleDistribution { .. }
        | TuneError::IncompatibleValue { .. }
        | TuneError::NotInGrid { .. }
        | TuneError::EmptyGrid { .. }
        | TuneError::StudyNotFound(_)
        | TuneError::DuplicatedStudy(_)
        | TuneError::TrialNotFound(_)
        | TuneError::TrialFinished { .. }
        | TuneError::InvalidConfig { .. }
        | TuneError::IncompatibleDatabase(_) => Kind::Usage,
        _ => Kind::Runtime,
    }
}

/// A spec error: bad usage (exit 2).
impl From<gradus::spec::SpecError> for CliError {
    fn from(e: gradus::spec::SpecError) -> Self {
        CliError::usage(e.to_string())
    }
}

/// gradus errors: a spec, data, configuration or shape the user gave is a usage error;
/// I/O, storage and training failures are runtime errors.
impl From<gradus::Error> for CliError {
    fn from(e: gradus::Error) -> Self {
        let kind = match &e {
            gradus::Error::Spec(_) | gradus::Error::Data(_) | gradus::Error::Scoring { .. } => {
                Kind::Usage
            }
            gradus::Error::Nn(
                gradus::nn::Error::Config { .. }
                | gradus::nn::Error::Shape { .. }
                | gradus::nn::Error::Layer { .. }
                | gradus::nn::Error::Target { .. }
                | gradus::nn::Error::Format { .. }
                | gradus::nn::Error::UnknownName { .. },
            ) => Kind::Usage,
            gradus::Error::Tune(t) => kind_of(t),
            _ => Kind::Runtime,
        };
        CliError {
            kind,
            message: e.to_string(),
        }
    }
}

impl From<TuneError> for CliError {
    fn from(e: TuneError) -> Self {
        CliError {
            kind: kind_of(&e),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_input_is_usage_and_the_rest_is_runtime() {
        let unknown = CliError::from(TuneError::StudyNotFound("s".into()));
        assert_eq!(unknown.kind(), Kind::Usage);
        assert_eq!(unknown.exit_code(), ExitCode::from(2));
        let down = CliError::from(TuneError::Storage("cannot reach x".into()));
        assert_eq!(down.kind(), Kind::Runtime);
        assert_eq!(
            CliError::from(TuneError::IncompatibleDatabase("newer".into())).kind(),
            Kind::Usage
        );
        assert_eq!(
            CliError::from(TuneError::NoCompleteTrial).kind(),
            Kind::Runtime
        );
        let e = down.context("study `s` in postgres://h/db");
        assert_eq!(
            e.to_string(),
            "study `s` in postgres://h/db: storage error: cannot reach x"
        );
        assert_eq!(e.kind(), Kind::Runtime);
    }
}
