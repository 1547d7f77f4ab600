//! hyperopt's `hp`: the expressions a [`SearchSpace`](crate::SearchSpace) is written in for
//! [`fmin`](crate::fmin), each a plain value that becomes a tuner
//! [`Distribution`] when it is put in a space under a name.
//!
//! | hyperopt | here | values |
//! |---|---|---|
//! | `hp.uniform(l, lo, hi)` | [`uniform(lo, hi)`](uniform) | floats in `[lo, hi]` |
//! | `hp.loguniform(l, lo, hi)` | [`loguniform(lo, hi)`](loguniform) | floats in `[e^lo, e^hi]`, log-uniform |
//! | `hp.quniform(l, lo, hi, q)` | [`quniform(lo, hi, q)`](quniform) | multiples of `q` near `[lo, hi]` |
//! | `hp.uniformint(l, lo, hi)` | [`uniformint(lo, hi)`](uniformint) | integers in `[lo, hi]` |
//! | `hp.randint(l, upper)` | [`randint(upper)`](randint) | integers in `[0, upper)` |
//! | `hp.choice(l, options)` | [`choice(options)`](choice) | one of the options, as itself |
//!
//! As in hyperopt, **`loguniform` takes the logarithms of its bounds**: `loguniform(-5.0, 0.0)`
//! draws from `[e^-5, 1]`. (Elsewhere in gradus — [`SearchSpace::float_log`](crate::SearchSpace::float_log),
//! Optuna's `suggest_float(log=True)` — log ranges take natural bounds.) Unlike hyperopt, a
//! choice is returned as the option itself, never its index, and the label is the name the
//! expression is given in the space, not an argument.
//!
//! Not offered, because the tuner's distributions are uniform, log-uniform, stepped or
//! categorical: `normal`, `lognormal`, `qnormal`, `qlognormal`, `qloguniform` (draw a
//! [`loguniform`] and round it in the objective, or use
//! [`SearchSpace::int_log`](crate::SearchSpace::int_log) for counts), `pchoice` (weighted
//! choices) and nested spaces inside a `choice` (write a conditional space with a
//! define-by-run [`Trial`](crate::tune::Trial) instead).
//!
//! ```
//! use gradus::{SearchSpace, hp};
//! let space = SearchSpace::new()
//!     .param("learning_rate", hp::loguniform(-5.0, 0.0))
//!     .param("batch_size", hp::choice(&[10, 20, 30]));
//! assert_eq!(
//!     space.params()["learning_rate"],
//!     gradus::tune::Distribution::float_log("learning_rate", (-5.0f64).exp(), 1.0)?
//! );
//! # Ok::<(), gradus::Error>(())
//! ```

use gradus_tune::{Choice, Distribution, Error, ParamValue, Result};

/// One hyperopt expression: what [`SearchSpace::param`](crate::SearchSpace::param) turns into
/// a [`Distribution`]. Build it with this module's functions; bounds are checked when it is
/// given its name ([`Expr::to_distribution`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Expr {
    /// [`uniform`].
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// [`loguniform`]: bounds are exponents.
    LogUniform {
        /// The logarithm of the lower bound.
        low: f64,
        /// The logarithm of the upper bound.
        high: f64,
    },
    /// [`quniform`].
    QUniform {
        /// Lower bound before rounding.
        low: f64,
        /// Upper bound before rounding.
        high: f64,
        /// The quantum.
        q: f64,
    },
    /// [`uniformint`]: integers in `[low, high]`.
    UniformInt {
        /// Lower bound, inclusive.
        low: i64,
        /// Upper bound, inclusive.
        high: i64,
    },
    /// [`randint`]: integers in `[0, upper)`.
    RandInt {
        /// Upper bound, excluded.
        upper: i64,
    },
    /// [`choice`].
    Choice {
        /// The options, in order.
        options: Vec<ParamValue>,
    },
}

/// A float uniform on `[low, high]` (hyperopt's `hp.uniform`).
pub fn uniform(low: f64, high: f64) -> Expr {
    Expr::Uniform { low, high }
}

/// A float whose logarithm is uniform on `[low, high]`: values in `[e^low, e^high]`
/// (hyperopt's `hp.loguniform`; the bounds are exponents, as there).
pub fn loguniform(low: f64, high: f64) -> Expr {
    Expr::LogUniform { low, high }
}

/// A float on the multiples of `q` that hyperopt's `round(uniform(low, high) / q) · q` can
/// give: `k·q` for the integers `k` with `(k − ½)·q < high` and `(k + ½)·q > low`
/// (hyperopt's `hp.quniform`). The multiples are equally likely here; in hyperopt the two
/// end ones may have half the weight of the others.
pub fn quniform(low: f64, high: f64, q: f64) -> Expr {
    Expr::QUniform { low, high, q }
}

/// An integer uniform on `[low, high]`, both included (hyperopt's `hp.uniformint`).
pub fn uniformint(low: i64, high: i64) -> Expr {
    Expr::UniformInt { low, high }
}

/// An integer uniform on `[0, upper)` (hyperopt's `hp.randint(label, upper)`; for
/// `[low, high)` use [`uniformint`]`(low, high − 1)`). `upper` must be at least 1.
pub fn randint(upper: i64) -> Expr {
    Expr::RandInt { upper }
}

/// One of `options` — numbers, strings or bools — returned as itself, not as its index
/// (hyperopt's `hp.choice`).
pub fn choice<C: Choice>(options: &[C]) -> Expr {
    Expr::Choice {
        options: options.iter().map(Choice::to_param).collect(),
    }
}

impl Expr {
    /// The tuner distribution of parameter `name`.
    ///
    /// # Errors
    /// Naming `name`: a NaN or infinite bound, `low > high`, a `q` that is not positive and
    /// finite, `loguniform` exponents whose `e^x` leaves the floats (|x| beyond about 708),
    /// an empty `randint` or `choice`, and what [`Distribution`]'s constructors refuse.
    pub fn to_distribution(&self, name: &str) -> Result<Distribution> {
        match *self {
            Expr::Uniform { low, high } => Distribution::float(name, low, high),
            Expr::LogUniform { low, high } => {
                Distribution::check_bounds(name, low, high)?;
                let (lo, hi) = (low.exp(), high.exp());
                if lo == 0.0 || hi.is_infinite() {
                    return Err(bad(
                        name,
                        format!(
                            "hp.loguniform({low}, {high}) takes the logarithms of its bounds, and \
                             e^{} is {}; keep them within about ±708 (for natural bounds use \
                             SearchSpace::float_log)",
                            if lo == 0.0 { low } else { high },
                            if lo == 0.0 { "0" } else { "infinite" },
                        ),
                    ));
                }
                Distribution::float_log(name, lo, hi)
            }
            Expr::QUniform { low, high, q } => {
                Distribution::check_bounds(name, low, high)?;
                if !(q > 0.0 && q.is_finite()) {
                    return Err(bad(
                        name,
                        format!("hp.quniform: q must be positive and finite, got {q}"),
                    ));
                }
                // The k whose interval [(k − ½)q, (k + ½)q] meets [low, high] in more than a
                // point; a single point on a boundary (low = high) takes the lower k.
                let first = (low / q - 0.5).floor() + 1.0;
                let last = (high / q + 0.5).ceil() - 1.0;
                let (lo, hi) = (first.min(last) * q, last * q);
                if !(lo.is_finite() && hi.is_finite()) {
                    return Err(bad(
                        name,
                        format!(
                            "hp.quniform({low}, {high}, {q}): the multiples of q leave the \
                             floats; use a larger q or smaller bounds"
                        ),
                    ));
                }
                Distribution::float_step(name, lo, hi, q)
            }
            Expr::UniformInt { low, high } => Distribution::int(name, low, high),
            Expr::RandInt { upper } if upper < 1 => Err(bad(
                name,
                format!(
                    "hp.randint({upper}) draws from [0, {upper}), which is empty; give an upper bound of at least 1"
                ),
            )),
            Expr::RandInt { upper } => Distribution::int(name, 0, upper - 1),
            Expr::Choice { ref options } => Distribution::categorical(name, options.clone()),
        }
    }
}

fn bad(name: &str, reason: String) -> Error {
    Error::InvalidConfig {
        name: "search space",
        reason: format!("parameter `{name}`: {reason}"),
    }
}
