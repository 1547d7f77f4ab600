//! `gradus demo [NAME]`: the course walk-through. Each topic runs on bundled data, prints
//! what the course shows and, where it draws a figure, writes it into the working
//! directory (or `--out`). The topics that a spec can express run the specs of
//! `examples/specs/` (embedded in the binary), so a demo and its spec cannot drift apart.

mod augmentation;
mod gradient_descent;
mod losses;
mod regularization;
mod tuning;

use std::path::{Path, PathBuf};

use gradus::plot::Chart;
use serde_json::{Value, json};

use crate::cli::DemoArgs;
use crate::exit::{CliError, Result};
use crate::output::{print, print_json, table};

/// A topic: its name, what it shows, and the spec files it runs.
struct Topic {
    name: &'static str,
    about: &'static str,
    specs: &'static str,
    run: fn(&Path) -> Result<(String, Value)>,
}

const TOPICS: [Topic; 7] = [
    Topic {
        name: "mse",
        about: "the mean squared error of four predictions",
        specs: "",
        run: |_| losses::mse(),
    },
    Topic {
        name: "linreg",
        about: "linear regression by full-batch gradient descent; draws linreg.png",
        specs: "",
        run: gradient_descent::linreg,
    },
    Topic {
        name: "gd-variants",
        about: "batch, stochastic and mini-batch gradient descent; draws gd_variants.png",
        specs: "",
        run: gradient_descent::variants,
    },
    Topic {
        name: "cross-entropy",
        about: "binary and categorical cross-entropy by the formula and by gradus",
        specs: "",
        run: |_| losses::cross_entropy(),
    },
    Topic {
        name: "regularization",
        about: "baseline vs L1, L2, Dropout, BatchNorm and EarlyStopping (breast cancer)",
        specs: "examples/specs/regularization/*.toml",
        run: |_| regularization::run(),
    },
    Topic {
        name: "augmentation",
        about: "6 augmented images of the bundled flower photo; writes augmentation/",
        specs: "",
        run: augmentation::run,
    },
    Topic {
        name: "tuning",
        about: "manual, grid (cv=3), random (5) and TPE (50) searches on diabetes",
        specs: "examples/specs/tuning/*.toml",
        run: |_| tuning::run(),
    },
];

/// `gradus demo`.
///
/// # Errors
/// An unknown topic (exit 2, listing the topics); a figure that cannot be written (exit 1).
pub fn run(args: &DemoArgs) -> Result<()> {
    let Some(name) = &args.name else {
        if args.output.json {
            let topics: Vec<Value> = TOPICS
                .iter()
                .map(|t| json!({"name": t.name, "about": t.about, "specs": t.specs}))
                .collect();
            return print_json(&json!({ "topics": topics }));
        }
        let rows: Vec<Vec<String>> = TOPICS
            .iter()
            .map(|t| vec![t.name.to_owned(), t.about.to_owned()])
            .collect();
        return print(&format!(
            "The course, topic by topic: gradus demo NAME\n\n{}",
            table(&["topic", "what it shows"], &rows)
        ));
    };
    let topic = TOPICS.iter().find(|t| t.name == name).ok_or_else(|| {
        let names: Vec<&str> = TOPICS.iter().map(|t| t.name).collect();
        CliError::usage(format!(
            "no demo `{name}`; the demos are {} (`gradus demo` lists them)",
            names.join(", ")
        ))
    })?;
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&out)
        .map_err(|e| CliError::runtime(format!("cannot create {}: {e}", out.display())))?;
    let (text, value) = (topic.run)(&out)?;
    if args.output.json {
        print_json(&value)
    } else {
        print(&text)
    }
}

/// Writes `chart` as `DIR/STEM.png` (720 × 480); returns the path.
///
/// # Errors
/// A figure that cannot be drawn or written (exit 1).
pub fn save_figure(dir: &Path, stem: &str, chart: Chart) -> Result<PathBuf> {
    let path = dir.join(format!("{stem}.png"));
    chart
        .save_png(&path)
        .map_err(|e| CliError::runtime(e.to_string()))?;
    Ok(path)
}
