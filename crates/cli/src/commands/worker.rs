//! `gradus worker`: runs trials of a shared study whose objective is an external command.
//!
//! Any number of workers, on one machine (SQLite) or many (PostgreSQL), run one study
//! together: each asks the storage for a trial (the sampler sees every stored trial),
//! evaluates it with [`Objective`] and tells the result. While a trial runs, the worker
//! records a heartbeat every `--heartbeat` seconds; a worker that dies (killed, its machine
//! lost) stops beating, and after `--grace-period` the next worker that asks marks its trial
//! Failed and, with `--retry-failed N`, re-runs it with the same parameters.
//!
//! `--n-trials` counts the trials this worker runs, as in Optuna: four workers with
//! `--n-trials 25` run 100 trials together. A trial whose command fails is data (state
//! Failed, reason recorded) and the worker goes on; a storage failure or a command that
//! cannot be started ends the worker with an error.

use std::time::{Duration, Instant};

use gradus::tune::{Error as TuneError, FrozenTrial, TrialError, TrialState};

use super::objective::Objective;
use super::{builder, load, study_error, where_, with_sampler};
use crate::cli::WorkerArgs;
use crate::exit::{CliError, Result};
use crate::output::{opt_number, print};
use crate::space::Space;

/// `gradus worker`.
///
/// # Errors
/// A bad space, command or setting (before any trial runs), an unknown study, a command
/// that cannot be started (its trial is marked Failed), a storage failure.
pub fn run(args: &WorkerArgs) -> Result<()> {
    let space = Space::from_arg(&args.sampler.space)?;
    let objective = Objective::new(
        &args.command,
        space.params().iter().map(|(name, _)| name.as_str()),
    )?;
    let t = &args.target;
    let s = &args.sampler;
    let study = load(
        t,
        with_sampler(builder(t)?, s.sampler, args.pruner, s.seed)
            .heartbeat(args.heartbeat)
            .grace_period(args.grace_period)
            .retry_failed(args.retry_failed),
    )?;
    let start = Instant::now();
    let mut ran = 0;
    let mut counts = [0usize; 3];
    while args.n_trials.is_none_or(|n| ran < n) {
        if args.timeout.is_some_and(|limit| start.elapsed() >= limit) {
            break;
        }
        let mut trial = match study.ask() {
            Ok(trial) => trial,
            Err(TuneError::SearchSpaceExhausted) => break,
            Err(e) => return Err(study_error(t, e)),
        };
        let number = trial.number();
        let at = |e: CliError| e.context(format!("{} trial {number}", where_(t)));
        let began = Instant::now();
        let outcome = space
            .suggest(&mut trial)
            .and_then(|params| objective.run(&t.study, &mut trial, &params));
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(e) => {
                // The trial cannot run (the space conflicts with the study, the command does
                // not start): record why, and stop this worker.
                let _ = study.tell(trial, Err(TrialError::msg(e.to_string())));
                return Err(at(e));
            }
        };
        let finished = study
            .tell(trial, outcome)
            .map_err(|e| at(CliError::from(e)))?;
        ran += 1;
        tally(&mut counts, &finished);
        announce(&finished, began.elapsed())?;
    }
    print(&format!(
        "worker done: {ran} trials of {} ({} complete, {} pruned, {} failed)\n",
        where_(t),
        counts[0],
        counts[1],
        counts[2]
    ))
}

fn tally(counts: &mut [usize; 3], t: &FrozenTrial) {
    match t.state {
        TrialState::Complete => counts[0] += 1,
        TrialState::Pruned => counts[1] += 1,
        TrialState::Failed => counts[2] += 1,
        _ => {}
    }
}

/// One line per finished trial on stdout; a failure's reason also goes to stderr.
fn announce(t: &FrozenTrial, took: Duration) -> Result<()> {
    if let Some(reason) = t.fail_reason() {
        eprintln!("gradus worker: trial {} failed: {reason}", t.number);
    }
    print(&format!(
        "trial {}: {} {} ({:.2} s)\n",
        t.number,
        t.state,
        opt_number(t.value),
        took.as_secs_f64()
    ))
}
