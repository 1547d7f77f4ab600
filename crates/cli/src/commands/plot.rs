//! `gradus plot DIR`: redraw the figures of a run directory (learning curves) or a tuning
//! directory (optimization history and parameter slices).

use gradus::tune::Study;

use super::open;
use super::run_dir::{HISTORY, learning_curve_charts, read_history, write_chart};
use super::tune::write_results;
use crate::cli::PlotArgs;
use crate::exit::{CliError, Result};
use crate::output::{print, print_json};

/// `gradus plot`.
///
/// # Errors
/// A directory that is neither a run nor a tuning directory, or a size out of range
/// (exit 2); a storage or I/O failure (exit 1).
pub fn run(args: &PlotArgs) -> Result<()> {
    let size = match args.size[..] {
        [w, h] => (w, h),
        _ => return Err(CliError::usage("--size takes WIDTH HEIGHT")),
    };
    let dir = &args.dir;
    let mut written = Vec::new();
    if dir.join(HISTORY).exists() {
        let history = read_history(&dir.join(HISTORY))?;
        for (stem, chart) in learning_curve_charts(&history) {
            written.extend(write_chart(dir, &stem, chart, size)?);
        }
    } else if dir.join("study.db").exists() {
        let db = std::path::absolute(dir.join("study.db"))
            .map_err(|e| CliError::runtime(format!("{}: {e}", dir.display())))?;
        let storage = open(&format!("sqlite://{}", db.display()))?;
        for summary in storage.list_studies()? {
            let study = Study::builder()
                .name(summary.name.clone())
                .storage(storage.clone())
                .load()?;
            written.extend(write_results(&study, dir, size)?);
        }
    } else {
        return Err(CliError::usage(format!(
            "{} holds neither {HISTORY} (a `gradus fit` run) nor study.db (a `gradus tune` \
             directory)",
            dir.display()
        )));
    }
    if args.json {
        let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        return print_json(&serde_json::json!({ "files": files }));
    }
    let lines: Vec<String> = written
        .iter()
        .map(|p| format!("{}\n", p.display()))
        .collect();
    print(&lines.concat())
}
