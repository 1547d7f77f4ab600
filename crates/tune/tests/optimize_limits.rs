//! `optimize` with extreme limits: thread counts, zero or endless budgets (issue 6: n_jobs =
//! i32::MAX tried to start two billion threads and panicked when the system refused one).

use gradus_tune::{
    Error, MAX_N_JOBS, OptimizeOptions, RandomSampler, StopReason, Study, Trial, TrialError,
};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

fn study() -> Study {
    Study::builder()
        .sampler(RandomSampler)
        .seed(1)
        .build()
        .unwrap()
}

fn objective(t: &mut Trial) -> Result<f64, TrialError> {
    Ok(t.suggest_float("x", 0.0, 1.0)?)
}

#[test]
fn thread_counts_beyond_the_limit_are_refused_with_the_range() {
    for n_jobs in [i32::MAX, MAX_N_JOBS + 1, -2, 0] {
        let s = study();
        let e = s
            .optimize(objective, OptimizeOptions::n_trials(3).n_jobs(n_jobs))
            .unwrap_err();
        assert!(
            matches!(e, Error::InvalidConfig { name: "n_jobs", .. }),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            format!(
                "invalid setting `n_jobs`: must be a number of threads from 1 to 1024, or -1 for \
                 one per core, got {n_jobs}"
            )
        );
        assert!(s.trials().unwrap().is_empty());
    }
}

/// The threads of this process (Linux; 0 elsewhere).
fn process_threads() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("Threads:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

// No more workers than trials start (the process keeps far fewer than 1024 threads); each still
// runs single-threaded math in its own pool.
#[test]
fn no_more_workers_start_than_trials() {
    let s = study();
    let seen = Mutex::new(BTreeSet::new());
    let summary = s
        .optimize(
            |t| {
                assert_eq!(rayon::current_num_threads(), 1);
                assert!(process_threads() < 256, "{} threads", process_threads());
                seen.lock()
                    .unwrap()
                    .insert(format!("{:?}", std::thread::current().id()));
                objective(t)
            },
            OptimizeOptions::n_trials(3).n_jobs(MAX_N_JOBS),
        )
        .unwrap();
    assert_eq!(summary.n_trials, 3);
    let seen = seen.into_inner().unwrap();
    assert!(!seen.is_empty() && seen.len() <= 3, "{seen:?}");
}

#[test]
fn zero_and_endless_budgets_stop_as_documented() {
    let s = study();
    let r = s.optimize(objective, OptimizeOptions::n_trials(0)).unwrap();
    assert_eq!((r.n_trials, r.stop_reason), (0, StopReason::NTrials));
    let r = s
        .optimize(
            objective,
            OptimizeOptions::default().timeout(Duration::ZERO),
        )
        .unwrap();
    assert_eq!((r.n_trials, r.stop_reason), (0, StopReason::Timeout));
    let r = s
        .optimize(
            objective,
            OptimizeOptions::n_trials(3).timeout(Duration::MAX),
        )
        .unwrap();
    assert_eq!((r.n_trials, r.stop_reason), (3, StopReason::NTrials));
    let r = s
        .optimize(objective, OptimizeOptions::default().patience(0))
        .unwrap();
    assert_eq!((r.n_trials, r.stop_reason), (1, StopReason::Patience));
    assert!(s.trials().unwrap().len() == 4);
}
