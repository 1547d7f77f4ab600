//! The commands, one module per group, and what they share: opening the storage a URL
//! names and loading a study from it, with errors that name both.

mod ask_tell;
mod augment;
mod demo;
mod evaluate;
mod fit;
mod inspect;
mod objective;
mod plot;
mod run_dir;
mod study;
mod summary;
mod tune;
mod worker;

use std::sync::Arc;

use gradus::tune::storage::{Storage, redact_url, storage_from_url};
use gradus::tune::{
    Error as TuneError, GpSampler, MedianPruner, NopPruner, RandomSampler, Study, StudyBuilder,
    TpeSampler,
};

use crate::cli::{Command, PrunerArg, SamplerArg, StudyCommand, Target};
use crate::exit::{CliError, Result};

/// Runs a parsed command line.
///
/// # Errors
/// What the command reports.
pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Study(c) => match c {
            StudyCommand::Create(a) => study::create(&a),
            StudyCommand::Ask(a) => ask_tell::ask(&a),
            StudyCommand::Tell(a) => ask_tell::tell(&a),
            StudyCommand::Best(a) => ask_tell::best(&a),
            StudyCommand::List(a) => inspect::list(&a),
            StudyCommand::Show(a) => inspect::show(&a),
            StudyCommand::Export(a) => inspect::export(&a),
            StudyCommand::Delete(a) => study::delete(&a),
            StudyCommand::Copy(a) => study::copy(&a),
        },
        Command::Worker(a) => worker::run(&a),
        Command::Fit(a) => fit::run(&a),
        Command::Evaluate(a) => evaluate::evaluate(&a),
        Command::Predict(a) => evaluate::predict(&a),
        Command::Summary(a) => summary::run(&a),
        Command::Tune(a) => tune::run(&a),
        Command::Augment(a) => augment::run(&a),
        Command::Demo(a) => demo::run(&a),
        Command::Plot(a) => plot::run(&a),
    }
}

/// Opens the storage at `url`; errors name the URL (without its password).
fn open(url: &str) -> Result<Arc<dyn Storage>> {
    storage_from_url(url)
        .map_err(|e| CliError::from(e).context(format!("storage {}", redact_url(url))))
}

/// `study `NAME` in URL`, for messages.
fn where_(target: &Target) -> String {
    format!(
        "study `{}` in {}",
        target.study,
        redact_url(&target.storage)
    )
}

/// A builder for the existing study `target`, on its opened storage.
fn builder(target: &Target) -> Result<StudyBuilder> {
    Ok(Study::builder()
        .name(target.study.clone())
        .storage(open(&target.storage)?))
}

/// `builder` with the chosen sampler and pruner.
fn with_sampler(
    builder: StudyBuilder,
    sampler: SamplerArg,
    pruner: PrunerArg,
    seed: Option<u64>,
) -> StudyBuilder {
    let builder = match sampler {
        SamplerArg::Tpe => builder.sampler(TpeSampler::default()),
        SamplerArg::Random => builder.sampler(RandomSampler),
        SamplerArg::Gp => builder.sampler(GpSampler::default()),
    };
    let builder = match pruner {
        PrunerArg::Median => builder.pruner(MedianPruner::default()),
        PrunerArg::None => builder.pruner(NopPruner),
    };
    match seed {
        Some(s) => builder.seed(s),
        None => builder,
    }
}

/// Loads the existing study `target` with `builder`'s settings.
fn load(target: &Target, builder: StudyBuilder) -> Result<Study> {
    builder.load().map_err(|e| study_error(target, e))
}

/// A library error of study `target`, named; an unknown study says how to create it.
fn study_error(target: &Target, e: TuneError) -> CliError {
    match e {
        TuneError::StudyNotFound(_) => CliError::usage(format!(
            "{} does not exist; create it with `gradus study create --storage {} --study {}`",
            where_(target),
            redact_url(&target.storage),
            target.study
        )),
        e => CliError::from(e).context(where_(target)),
    }
}
