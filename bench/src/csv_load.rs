//! CSV loading speed: `load_csv` against the `csv` crate's raw reader on the same file.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use gradus_data::{CsvOptions, load_csv};
use gradus_tensor::Rng;

/// `gradus-bench csv`.
#[derive(Args, Debug)]
pub struct CsvArgs {
    /// An existing CSV file with a `y` column; without one, a file of --rows × --cols
    /// random numbers (6 decimals) is generated in the temporary folder.
    #[arg(long)]
    file: Option<PathBuf>,
    /// Rows of the generated file.
    #[arg(long, default_value_t = 1_000_000)]
    rows: usize,
    /// Columns of the generated file (the last is the target `y`).
    #[arg(long, default_value_t = 20)]
    cols: usize,
    /// Timed repetitions; the best is reported.
    #[arg(long, default_value_t = 3)]
    repeats: usize,
}

/// Prints `{bytes, rows, gradus_mb_s, csv_raw_mb_s}`: the best of `repeats` passes each.
pub fn run(args: &CsvArgs) -> anyhow::Result<()> {
    let path = match &args.file {
        Some(p) => p.clone(),
        None => generate(args.rows, args.cols)?,
    };
    let bytes = std::fs::metadata(&path)?.len() as f64;
    let options = CsvOptions::new("y");
    let mut gradus = f64::INFINITY;
    let mut raw = f64::INFINITY;
    let mut rows = 0;
    for _ in 0..args.repeats {
        let start = Instant::now();
        let data = load_csv(&path, &options)?;
        gradus = gradus.min(start.elapsed().as_secs_f64());
        rows = data.n_samples();
        drop(data);
        // The raw reader: records as bytes, no number parsing.
        let start = Instant::now();
        let mut reader = csv::ReaderBuilder::new().from_path(&path)?;
        let mut record = csv::ByteRecord::new();
        let mut fields = 0usize;
        while reader.read_byte_record(&mut record)? {
            fields += record.len();
        }
        raw = raw.min(start.elapsed().as_secs_f64());
        assert!(fields > 0);
    }
    let mb = bytes / 1e6;
    println!(
        "{}",
        serde_json::json!({
            "bytes": bytes, "rows": rows,
            "gradus_mb_s": mb / gradus, "csv_raw_mb_s": mb / raw,
            "gradus_s": gradus, "csv_raw_s": raw,
        })
    );
    if args.file.is_none() {
        std::fs::remove_file(&path)?;
    }
    Ok(())
}

fn generate(rows: usize, cols: usize) -> anyhow::Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("gradus-bench-{}.csv", std::process::id()));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let header: Vec<String> = (0..cols.saturating_sub(1))
        .map(|i| format!("x{i}"))
        .chain(["y".to_owned()])
        .collect();
    writeln!(out, "{}", header.join(","))?;
    let mut rng = Rng::new(0);
    let mut line = String::new();
    for _ in 0..rows {
        line.clear();
        for c in 0..cols {
            if c > 0 {
                line.push(',');
            }
            line.push_str(&format!("{:.6}", rng.uniform_range(-10.0, 10.0)));
        }
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(path)
}
