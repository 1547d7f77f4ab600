//! gradus-bench: one binary, one subcommand per workload, JSON lines out.
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use gradus_bench::{cnn, mlp};

mod augment_apply;
mod augment_flow;
mod csv_load;
mod hpo;
mod image_folder;
mod storage;
mod tpe;

/// Benchmarks of gradus against its peers; each result is one JSON line on stdout.
#[derive(Parser, Debug)]
#[command(name = "gradus-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The workloads.
#[derive(Subcommand, Debug)]
enum Command {
    /// TPE on a synthetic function: best value after a budget of evaluations.
    Tpe(tpe::TpeArgs),
    /// TPE proposal latency: mean milliseconds per suggestion over the last 10 % of trials.
    TpeLatency(tpe::LatencyArgs),
    /// One sampler (gp, tpe, random) on a synthetic function: best value and ms per suggestion.
    Hpo(hpo::HpoArgs),
    /// MLP training speed (W1 or W2): median µs per training step and the final loss.
    Mlp(mlp::MlpArgs),
    /// Applies one explicit transform to an H×W×C float32 .npy image (Keras's parameters).
    Augment(augment_apply::ApplyArgs),
    /// ImageDataGenerator.flow throughput with the course's augmentation: images per second.
    AugmentFlow(augment_flow::FlowArgs),
    /// Image-folder loading speed: images per second of one pass (read, decode, resize).
    ImageFolder(image_folder::ImageFolderArgs),
    /// CNN training speed (28×28 images, two conv + pool blocks): median µs per step.
    Cnn(cnn::CnnArgs),
    /// CSV loading speed: MB/s of `load_csv` and of the `csv` crate's raw reader.
    Csv(csv_load::CsvArgs),
    /// Storage overhead: mean ms per ask + 5 suggestions + tell over the last 10 % of trials.
    Storage(storage::StorageArgs),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Tpe(args) => tpe::run(&args),
        Command::TpeLatency(args) => tpe::latency(&args),
        Command::Hpo(args) => hpo::run(&args),
        Command::Mlp(args) => mlp::run(&args),
        Command::Augment(args) => augment_apply::run(&args),
        Command::AugmentFlow(args) => augment_flow::run(&args),
        Command::ImageFolder(args) => image_folder::run(&args),
        Command::Cnn(args) => cnn::run(&args),
        Command::Storage(args) => storage::run(&args),
        Command::Csv(args) => csv_load::run(&args),
    }
}
