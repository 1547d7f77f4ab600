//! Reading CSV files into a [`Dataset`] (features and target) or a [`FeatureMatrix`]
//! (features only, for prediction).

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use gradus_tensor::Tensor;
use rayon::prelude::*;

use crate::csv_cell::{cell_error, parse_cell};
use crate::csv_options::check_delimiter;
use crate::csv_records::{RecordBatch, Records, field_text};
use crate::{CsvOptions, Dataset, Error, FeatureMatrix, Features, Result};

/// Loads `path` into a [`Dataset`]: `x` holds the feature columns (`n × d`, in the order of
/// [`CsvOptions::features`]), `y` the target column (`n × 1`).
///
/// Only the selected columns are parsed, so other columns (ids, free text) may hold anything.
///
/// # Errors
/// A missing or unreadable file, an empty file or one with a header only, duplicate or empty
/// column names, an unknown target or feature column, a row with another field count than
/// the header, and empty, non-numeric or non-finite cells or numbers beyond the `f32` range
/// (±3.4e38). Each error names the file, the line and the column.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::{load_csv, CsvOptions};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("houses.csv");
/// std::fs::write(&path, "area,rooms,price\n50,2,100\n80,3,170\n").unwrap();
/// let data = load_csv(&path, &CsvOptions::new("price"))?;
/// assert_eq!(data.x.data(), &[50.0, 2.0, 80.0, 3.0]);
/// assert_eq!(data.y.data(), &[100.0, 170.0]);
/// assert_eq!(data.feature_names, ["area", "rooms"]);
///
/// std::fs::write(&path, "area,rooms,price\n50,2,100\n80,three,170\n").unwrap();
/// let err = load_csv(&path, &CsvOptions::new("price")).unwrap_err().to_string();
/// assert!(err.contains("houses.csv:3: column 2 `rooms` holds `three`"));
/// # Ok(()) }
/// ```
pub fn load_csv(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Dataset> {
    let path = path.as_ref();
    read_csv(open(path)?, path, options)
}

/// Loads the feature columns of `path` for prediction. The target column may be absent; when
/// present it is skipped (with [`Features::AllOthers`] and [`Features::Except`]) as in
/// [`load_csv`].
///
/// # Errors
/// As [`load_csv`], except that a missing target column is not an error.
pub fn load_csv_features(path: impl AsRef<Path>, options: &CsvOptions) -> Result<FeatureMatrix> {
    let path = path.as_ref();
    read_csv_features(open(path)?, path, options)
}

/// [`load_csv`] from any reader; `source` is the name errors report (a path or a label
/// such as `"diabetes.csv (bundled)"`).
///
/// # Errors
/// As [`load_csv`].
pub fn read_csv<R: Read>(
    reader: R,
    source: impl Into<PathBuf>,
    options: &CsvOptions,
) -> Result<Dataset> {
    let table = read_table(reader, source.into(), options, TargetMode::Required)?;
    let n = table.rows;
    let target_name = options.target.clone();
    Dataset::new(
        Tensor::from_vec(table.x, &[n, table.feature_names.len()])?,
        Tensor::from_vec(table.y, &[n, 1])?,
        table.feature_names,
        target_name,
    )
}

/// [`load_csv_features`] from any reader; `source` is the name errors report.
///
/// # Errors
/// As [`load_csv_features`].
pub fn read_csv_features<R: Read>(
    reader: R,
    source: impl Into<PathBuf>,
    options: &CsvOptions,
) -> Result<FeatureMatrix> {
    let table = read_table(reader, source.into(), options, TargetMode::IfPresent)?;
    let d = table.feature_names.len();
    Ok(FeatureMatrix {
        x: Tensor::from_vec(table.x, &[table.rows, d])?,
        feature_names: table.feature_names,
    })
}

fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::FileNotFound {
            file: path.to_owned(),
        },
        _ => Error::Io {
            file: path.to_owned(),
            source,
        },
    })
}

/// Records parsed together in parallel.
const BATCH_RECORDS: usize = 8192;

/// Whether the target column must be in the file.
#[derive(Clone, Copy, PartialEq)]
enum TargetMode {
    Required,
    IfPresent,
}

/// The parsed columns, row-major.
struct Table {
    rows: usize,
    feature_names: Vec<String>,
    x: Vec<f32>,
    y: Vec<f32>,
}

fn read_table<R: Read>(
    mut reader: R,
    file: PathBuf,
    options: &CsvOptions,
    mode: TargetMode,
) -> Result<Table> {
    check_delimiter(options.delimiter)?;
    let mut text = Vec::new();
    if let Err(source) = reader.read_to_end(&mut text) {
        return Err(Error::Io { file, source });
    }
    let mut records = Records::new(&text, options.delimiter, file);
    if !records.next_record()? {
        return Err(Error::EmptyFile {
            file: records.into_file(),
        });
    }
    let names = (0..records.record().len())
        .map(|c| records.field(c).map(str::to_owned))
        .collect::<Result<Vec<_>>>()?;
    let header = header_names(&names, records.file())?;
    let (target, features) = select_columns(&header, options, mode, records.file())?;
    let feature_names: Vec<String> = features.iter().map(|&c| header[c].clone()).collect();

    let mut table = Table {
        rows: 0,
        feature_names,
        x: Vec::new(),
        y: Vec::new(),
    };
    // Records are read in batches; each batch's cells are parsed in parallel, and a batch
    // with a bad cell is read again in order to report the first error exactly.
    let columns: Vec<usize> = features.iter().chain(&target).copied().collect();
    let width = columns.len();
    let mut batch = RecordBatch::new(BATCH_RECORDS);
    let mut cells: Vec<f32> = Vec::new();
    while records.fill(&mut batch)? > 0 {
        let n = batch.len;
        let current = &batch.records[..n];
        if let Some(i) = current.iter().position(|r| r.len() != header.len()) {
            return Err(Error::RaggedRow {
                line: records.line_of_start(batch.starts[i]),
                got: current[i].len(),
                expected: header.len(),
                file: records.into_file(),
            });
        }
        cells.clear();
        cells.resize(n * width, 0.0);
        let bad = cells
            .par_chunks_mut(width.max(1))
            .zip(current.par_iter())
            .enumerate()
            .filter_map(|(i, (row, record))| {
                for (slot, &c) in row.iter_mut().zip(&columns) {
                    match field_text(record, c).map(parse_cell) {
                        Ok(Ok(v)) => *slot = v,
                        _ => return Some(i),
                    }
                }
                None
            })
            .min();
        if let Some(i) = bad {
            let line = records.line_of_start(batch.starts[i]);
            for &c in &columns {
                let text = field_text(&current[i], c).map_err(|()| records.not_utf8(line, c))?;
                if let Err(problem) = parse_cell(text) {
                    return Err(cell_error(
                        problem,
                        records.file(),
                        line,
                        c,
                        &header[c],
                        text,
                    ));
                }
            }
        }
        let d = features.len();
        for row in cells.chunks(width.max(1)).take(n) {
            table.x.extend_from_slice(&row[..d]);
            table.y.extend_from_slice(&row[d..]);
        }
        table.rows += n;
    }
    if table.rows == 0 {
        return Err(Error::NoRows {
            file: records.into_file(),
        });
    }
    Ok(table)
}

/// The header's column names, checked for empty and duplicate names.
fn header_names(record: &[String], file: &Path) -> Result<Vec<String>> {
    let mut names = Vec::with_capacity(record.len());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, name) in record.iter().enumerate() {
        if name.is_empty() {
            return Err(Error::EmptyColumnName {
                file: file.to_owned(),
                column: i + 1,
            });
        }
        if let Some(&first) = seen.get(name.as_str()) {
            return Err(Error::DuplicateColumn {
                file: file.to_owned(),
                name: name.to_owned(),
                first: first + 1,
                second: i + 1,
            });
        }
        seen.insert(name.as_str(), i);
        names.push(name.to_owned());
    }
    Ok(names)
}

/// The target column (if used) and the feature columns, as 0-based indices.
fn select_columns(
    header: &[String],
    options: &CsvOptions,
    mode: TargetMode,
    file: &Path,
) -> Result<(Option<usize>, Vec<usize>)> {
    // Header names are unique (checked in `header_names`), so this maps each to its column.
    let index: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(c, h)| (h.as_str(), c))
        .collect();
    let find = |name: &str| index.get(name).copied();
    let target = match (find(&options.target), mode) {
        (Some(c), _) => Some(c),
        (None, TargetMode::IfPresent) => None,
        (None, TargetMode::Required) => {
            return Err(Error::UnknownTarget {
                file: file.to_owned(),
                name: options.target.clone(),
                available: header.to_vec(),
            });
        }
    };
    let features: Vec<usize> = match &options.features {
        Features::AllOthers => (0..header.len()).filter(|&c| Some(c) != target).collect(),
        Features::Except(names) => {
            let mut excluded = vec![false; header.len()];
            for name in names {
                let c = find(name).ok_or_else(|| Error::UnknownExcludedColumn {
                    file: file.to_owned(),
                    name: name.clone(),
                    available: header.to_vec(),
                })?;
                excluded[c] = true;
            }
            (0..header.len())
                .filter(|&c| Some(c) != target && !excluded[c])
                .collect()
        }
        Features::Named(names) => {
            let mut cols = Vec::with_capacity(names.len().min(header.len()));
            let mut selected = vec![false; header.len()];
            for name in names {
                let c = find(name).ok_or_else(|| Error::UnknownFeature {
                    file: file.to_owned(),
                    name: name.clone(),
                    available: header.to_vec(),
                })?;
                let is_target = mode == TargetMode::Required && Some(c) == target;
                if is_target || std::mem::replace(&mut selected[c], true) {
                    return Err(Error::ColumnSelectedTwice {
                        file: file.to_owned(),
                        name: name.clone(),
                    });
                }
                cols.push(c);
            }
            cols
        }
    };
    if features.is_empty() {
        return Err(Error::NoFeatures {
            file: file.to_owned(),
        });
    }
    // In prediction mode a named feature list is used as given; the target only matters for
    // `AllOthers` and `Except`, where it was skipped above.
    Ok((target.filter(|_| mode == TargetMode::Required), features))
}
