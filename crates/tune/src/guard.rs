//! Panics of samplers and pruners turned into errors.
//!
//! Samplers and pruners are user-replaceable trait objects; a bug in one (an index out of
//! bounds, a failed `clamp`) must fail the call that ran it — and through it the trial or the
//! `ask` — not unwind through the study and end the process's optimisation.

use crate::error::{Error, Result};
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`; a panic becomes [`Error::Panicked`] naming `component` and what it was doing.
///
/// The component's state may be half-updated after a panic; the crate's own samplers and
/// pruners only keep caches that are rebuilt or remain consistent (their locks are never
/// treated as poisoned).
pub(crate) fn guarded<T>(
    component: &'static str,
    task: impl FnOnce() -> String,
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        Err(Error::Panicked {
            component,
            task: task(),
            message: panic_message(&*panic),
        })
    })
}

/// The text of a panic payload (`&str` or `String`, as `panic!` makes them).
pub(crate) fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_that_says_where() {
        let r: Result<()> = guarded(
            "sampler",
            || "proposing `x`".into(),
            || panic!("boom {}", 1),
        );
        let e = r.unwrap_err();
        assert!(matches!(
            e,
            Error::Panicked {
                component: "sampler",
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "the sampler panicked while proposing `x`: boom 1 (a bug in the sampler; report it \
             with this message, and use another sampler meanwhile)"
        );
        assert_eq!(guarded("pruner", String::new, || Ok(3)).unwrap(), 3);
    }
}
