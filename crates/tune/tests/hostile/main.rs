//! Hostile input (issue 6's acceptance suite): random and extreme ranges, distributions,
//! values, reports and settings fed to the public constructors and entry points. Every call
//! must return `Ok` or `Err` — never panic, abort or hang (each case runs under a deadline on
//! its own thread) — and no sampler or pruner may fail by a caught panic
//! ([`Error::Panicked`]). Where a value comes back, it must belong to its distribution.
//!
//! One test binary in six files: `values.rs` (suggestions from every sampler, constructed and
//! literal distributions, grids, enqueued values), `gp_parts.rs` (the GP sampler's building
//! blocks), `configs.rs` (written forms of the settings), `study.rs` (pruners with hostile
//! reports, `optimize` with extreme options and the exports, TPE settings of any magnitude),
//! `strategies.rs` (the hostile inputs) and this file (the deadline and the settings).

mod configs;
mod gp_parts;
mod strategies;
mod study;
mod values;

use gradus_tune::Error;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestCaseError};
use std::time::Duration;

/// 256 cases per property from a fixed seed: the same cases on every run, well under a second
/// per property in release.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        rng_seed: RngSeed::Fixed(6),
        ..ProptestConfig::default()
    }
}

/// Runs a case on its own thread and fails it when it takes longer than 20 s (a hang); a
/// panic inside is re-raised here, so proptest reports and shrinks it.
pub(crate) fn within(
    case: impl FnOnce() -> Result<(), TestCaseError> + Send + 'static,
) -> Result<(), TestCaseError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = tx.send(case());
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            Err(TestCaseError::fail("the case hung (no answer in 20 s)"))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => Err(TestCaseError::fail("the case ended without a result")),
        },
    }
}

/// An error is fine, a caught panic of a sampler or pruner is not.
pub(crate) fn no_panic<T>(r: &gradus_tune::Result<T>) -> Result<(), TestCaseError> {
    if let Err(e @ Error::Panicked { .. }) = r {
        return Err(TestCaseError::fail(e.to_string()));
    }
    Ok(())
}
