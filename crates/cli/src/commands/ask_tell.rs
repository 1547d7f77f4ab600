//! `gradus study ask`, `tell` and `best`: a study driven one trial at a time by another
//! program (a shell script, a scheduler), each call its own process.
//!
//! `ask` loads the study, lets the sampler propose from every trial stored so far (so TPE
//! learns from all workers, also across processes), records the new Running trial with its
//! parameters and prints them; `tell` finishes it by number.

use std::collections::BTreeMap;

use gradus::tune::{ParamValue, TrialError, TrialState};
use serde::Serialize;

use super::{builder, load, open, study_error, where_, with_sampler};
use crate::cli::{AskArgs, BestArgs, EndState, PrunerArg, TellArgs};
use crate::exit::{CliError, Result};
use crate::output::{opt_number, params_text, print, print_json};
use crate::space::Space;

/// What `ask --json` prints.
#[derive(Serialize)]
struct Asked<'a> {
    trial: u64,
    params: &'a BTreeMap<String, ParamValue>,
}

/// What `tell --json` prints.
#[derive(Serialize)]
struct Told {
    trial: u64,
    state: TrialState,
    value: Option<f64>,
}

/// What `best --json` prints.
#[derive(Serialize)]
struct Best<'a> {
    trial: u64,
    value: Option<f64>,
    params: &'a BTreeMap<String, ParamValue>,
}

/// `gradus study ask`: starts a trial and prints its number and parameters.
///
/// # Errors
/// A bad space or one that conflicts with the study's earlier trials (the trial is then
/// marked Failed), an unknown study, a storage failure.
pub fn ask(args: &AskArgs) -> Result<()> {
    let space = Space::from_arg(&args.sampler.space)?;
    let t = &args.target;
    let s = &args.sampler;
    let study = load(
        t,
        with_sampler(builder(t)?, s.sampler, PrunerArg::None, s.seed),
    )?;
    let mut trial = study.ask().map_err(|e| study_error(t, e))?;
    let number = trial.number();
    let params = match space.suggest(&mut trial) {
        Ok(p) => p,
        Err(e) => {
            // Leave no Running trial behind; the error below is what matters.
            let reason = format!("the space could not be sampled: {e}");
            let _ = study.tell(trial, Err(TrialError::msg(reason)));
            return Err(e.context(format!("{} trial {number}", where_(t))));
        }
    };
    if args.json {
        print_json(&Asked {
            trial: number,
            params: &params,
        })
    } else {
        print(&format!("trial {number}: {}\n", params_text(&params)))
    }
}

/// `gradus study tell`: finishes a Running trial.
///
/// # Errors
/// A value that is not finite, an unknown study or trial, a trial that is not Running, a
/// storage failure.
pub fn tell(args: &TellArgs) -> Result<()> {
    let t = &args.target;
    let outcome = match (args.value, args.state) {
        (Some(v), None) if v.is_finite() => Ok(v),
        (Some(v), None) => {
            return Err(CliError::usage(format!(
                "--value {v} is not a finite number; report a failed trial with --state failed"
            )));
        }
        (None, Some(EndState::Failed)) => Err(TrialError::msg(
            "marked failed with `gradus study tell --state failed`",
        )),
        (None, Some(EndState::Pruned)) => Err(TrialError::Pruned),
        _ => {
            return Err(CliError::usage(
                "give either --value V or --state failed|pruned",
            ));
        }
    };
    let study = load(t, builder(t)?)?;
    let finished = study
        .tell_number(args.trial, outcome)
        .map_err(|e| CliError::from(e).context(format!("{} trial {}", where_(t), args.trial)))?;
    if args.json {
        print_json(&Told {
            trial: finished.number,
            state: finished.state,
            value: finished.value,
        })
    } else {
        print(&format!(
            "trial {}: {} {}\n",
            finished.number,
            finished.state,
            opt_number(finished.value)
        ))
    }
}

/// `gradus study best`: the best Complete trial.
///
/// # Errors
/// An unknown study, a study with no complete trial (a runtime error), a storage failure.
pub fn best(args: &BestArgs) -> Result<()> {
    let t = &args.target;
    let storage = open(&t.storage)?;
    let id = storage
        .study_id_from_name(&t.study)
        .map_err(|e| study_error(t, e))?;
    let best = storage.get_best_trial(id).map_err(|e| study_error(t, e))?;
    if args.json {
        print_json(&Best {
            trial: best.number,
            value: best.value,
            params: &best.params,
        })
    } else {
        print(&format!(
            "trial {}: value {} {}\n",
            best.number,
            opt_number(best.value),
            params_text(&best.params)
        ))
    }
}
