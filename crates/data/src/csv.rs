//! Reading CSV files into a [`Dataset`] (features and target) or a [`FeatureMatrix`]
//! (features only, for prediction).

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use gradus_tensor::Tensor;

use crate::csv_cell::{cell_error, parse_cell};
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
/// present it is skipped (with [`Features::AllOthers`]) as in [`load_csv`].
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
    // The whole text is kept so that error lines can be counted from byte offsets: the csv
    // crate's own line numbers skip blank lines, and its record offsets point at the blank
    // lines before a record, which are skipped here.
    let mut text = Vec::new();
    if let Err(source) = reader.read_to_end(&mut text) {
        return Err(Error::Io { file, source });
    }
    let line_at = |byte: u64| {
        let mut end = usize::try_from(byte).map_or(text.len(), |b| b.min(text.len()));
        while end < text.len() && matches!(text[end], b'\n' | b'\r') {
            end += 1;
        }
        1 + text[..end].iter().filter(|&&b| b == b'\n').count() as u64
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(options.delimiter)
        .trim(::csv::Trim::All)
        .from_reader(text.as_slice());
    let mut record = ::csv::StringRecord::new();
    if !next_record(&mut reader, &mut record, &file, &line_at)? {
        return Err(Error::EmptyFile { file });
    }
    let header = header_names(&record, &file)?;
    let (target, features) = select_columns(&header, options, mode, &file)?;
    let feature_names: Vec<String> = features.iter().map(|&c| header[c].clone()).collect();

    let mut table = Table {
        rows: 0,
        feature_names,
        x: Vec::new(),
        y: Vec::new(),
    };
    while next_record(&mut reader, &mut record, &file, &line_at)? {
        let line = || line_at(record.position().map_or(0, ::csv::Position::byte));
        if record.len() != header.len() {
            return Err(Error::RaggedRow {
                line: line(),
                file,
                got: record.len(),
                expected: header.len(),
            });
        }
        for &c in features.iter().chain(&target) {
            let value = parse_cell(&record[c])
                .map_err(|problem| cell_error(problem, &file, line(), c, &header[c], &record[c]))?;
            if Some(c) == target {
                table.y.push(value);
            } else {
                table.x.push(value);
            }
        }
        table.rows += 1;
    }
    if table.rows == 0 {
        return Err(Error::NoRows { file });
    }
    Ok(table)
}

/// Reads the next record into `record`; `false` at the end of the input.
fn next_record(
    reader: &mut ::csv::Reader<&[u8]>,
    record: &mut ::csv::StringRecord,
    file: &Path,
    line_at: &dyn Fn(u64) -> u64,
) -> Result<bool> {
    reader.read_record(record).map_err(|e| {
        let line = line_at(e.position().map_or(0, ::csv::Position::byte));
        let message = e.to_string();
        match e.into_kind() {
            ::csv::ErrorKind::Io(source) => Error::Io {
                file: file.to_owned(),
                source,
            },
            _ => Error::Malformed {
                file: file.to_owned(),
                line,
                message,
            },
        }
    })
}

/// The header's column names, checked for empty and duplicate names.
fn header_names(record: &::csv::StringRecord, file: &Path) -> Result<Vec<String>> {
    let mut names = Vec::with_capacity(record.len());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, raw) in record.iter().enumerate() {
        let name = if i == 0 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        if name.is_empty() {
            return Err(Error::EmptyColumnName {
                file: file.to_owned(),
                column: i + 1,
            });
        }
        if let Some(&first) = seen.get(name) {
            return Err(Error::DuplicateColumn {
                file: file.to_owned(),
                name: name.to_owned(),
                first: first + 1,
                second: i + 1,
            });
        }
        seen.insert(name, i);
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
    let find = |name: &str| header.iter().position(|h| h == name);
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
        Features::Named(names) => {
            let mut cols = Vec::with_capacity(names.len());
            for name in names {
                let c = find(name).ok_or_else(|| Error::UnknownFeature {
                    file: file.to_owned(),
                    name: name.clone(),
                    available: header.to_vec(),
                })?;
                let is_target = mode == TargetMode::Required && Some(c) == target;
                if is_target || cols.contains(&c) {
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
    // `AllOthers`, where it was skipped above.
    Ok((target.filter(|_| mode == TargetMode::Required), features))
}
