//! `gradus study create`, `delete` and `copy`: studies as a whole.

use gradus::tune::storage::{copy_study, redact_url};
use gradus::tune::{Direction, Error as TuneError};

use super::{open, study_error, where_};
use crate::cli::{CopyArgs, CreateArgs, DeleteArgs, DirectionArg, Target};
use crate::exit::{CliError, Result};
use crate::output::print;

/// `gradus study create`: a new study; with `--skip-if-exists`, an existing one of the same
/// direction is fine.
///
/// # Errors
/// A study of that name that exists (without `--skip-if-exists`, or with another
/// direction); what opening the storage reports.
pub fn create(args: &CreateArgs) -> Result<()> {
    let t = &args.target;
    let storage = open(&t.storage)?;
    let direction = match args.direction {
        DirectionArg::Minimize => Direction::Minimize,
        DirectionArg::Maximize => Direction::Maximize,
    };
    match storage.create_study(&t.study, direction) {
        Ok(_) => print(&format!(
            "created {} ({})\n",
            where_(t),
            direction_name(direction)
        )),
        Err(TuneError::DuplicatedStudy(_)) if args.skip_if_exists => {
            let id = storage
                .study_id_from_name(&t.study)
                .map_err(|e| study_error(t, e))?;
            let existing = storage.study_direction(id).map_err(|e| study_error(t, e))?;
            if existing != direction {
                return Err(CliError::usage(format!(
                    "{} exists with direction {}, not {}; use another name",
                    where_(t),
                    direction_name(existing),
                    direction_name(direction)
                )));
            }
            print(&format!("{} exists; nothing changed\n", where_(t)))
        }
        Err(TuneError::DuplicatedStudy(_)) => Err(CliError::usage(format!(
            "{} already exists; pick another name, delete it with `gradus study delete`, or \
             pass --skip-if-exists",
            where_(t)
        ))),
        Err(e) => Err(study_error(t, e)),
    }
}

/// `gradus study delete`: the study and all its trials.
///
/// # Errors
/// An unknown study; what the storage reports.
pub fn delete(args: &DeleteArgs) -> Result<()> {
    let t = &args.target;
    let storage = open(&t.storage)?;
    let id = storage
        .study_id_from_name(&t.study)
        .map_err(|e| study_error(t, e))?;
    let n = storage
        .get_n_trials(id, None)
        .map_err(|e| study_error(t, e))?;
    storage.delete_study(id).map_err(|e| study_error(t, e))?;
    print(&format!("deleted {} ({n} trials)\n", where_(t)))
}

/// `gradus study copy`: the finished trials of a study into a new study.
///
/// # Errors
/// An unknown source study, a target name that is taken, what the storages report.
pub fn copy(args: &CopyArgs) -> Result<()> {
    let to_name = args.to_study.as_deref().unwrap_or(&args.study);
    let source = Target {
        storage: args.from.clone(),
        study: args.study.clone(),
    };
    let target = Target {
        storage: args.to.clone(),
        study: to_name.to_owned(),
    };
    let from = open(&args.from)?;
    // Check the source first: an unknown study must not leave an empty copy behind.
    from.study_id_from_name(&args.study)
        .map_err(|e| study_error(&source, e))?;
    let to = if args.from == args.to {
        from.clone()
    } else {
        open(&args.to)?
    };
    let n = copy_study(&*from, &args.study, &*to, to_name).map_err(|e| match e {
        TuneError::DuplicatedStudy(_) => CliError::usage(format!(
            "{} already exists; name the copy with --to-study",
            where_(&target)
        )),
        e => CliError::from(e).context(format!(
            "copying {} to {}",
            where_(&source),
            where_(&target)
        )),
    })?;
    print(&format!(
        "copied {n} finished trials of study `{}` in {} to {}\n",
        args.study,
        redact_url(&args.from),
        where_(&target)
    ))
}

/// The direction as the command line spells it.
pub fn direction_name(d: Direction) -> &'static str {
    match d {
        Direction::Minimize => "minimize",
        Direction::Maximize => "maximize",
    }
}
