//! [`Error`]: everything that can go wrong in gradus-data, each message naming where and how
//! to fix it.

use std::path::PathBuf;

/// What went wrong when loading, splitting, scaling or encoding data.
///
/// Every variant carries what is needed to find the problem: CSV errors name the file, the
/// 1-based line and the column (index and header name); shape errors give the expected and
/// actual sizes. The messages end with what would fix the input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file does not exist.
    #[error("{}: no such file; check the path (relative paths start at the current directory)", file.display())]
    FileNotFound {
        /// The path as given.
        file: PathBuf,
    },
    /// The file exists but could not be read.
    #[error("{}: cannot read the file: {source}", file.display())]
    Io {
        /// The path as given.
        file: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The CSV reader could not decode a record (invalid UTF-8).
    #[error("{}:{line}: malformed CSV: {message}; save the file as UTF-8 CSV (in a spreadsheet: \"CSV UTF-8\")", file.display())]
    Malformed {
        /// The file.
        file: PathBuf,
        /// The 1-based line where the problem was found.
        line: u64,
        /// What the CSV reader reported.
        message: String,
    },
    /// A quote opens a field and is never closed, so the rest of the file would be one field.
    #[error("{}:{line}: a quote opens a field here and is never closed, so the rest of the file would be read as one field; close the quote, or write a quote inside a field as two (\"\")", file.display())]
    UnclosedQuote {
        /// The file.
        file: PathBuf,
        /// The 1-based line where the quote opens.
        line: u64,
    },
    /// The file has no header line.
    #[error("{}: the file is empty; a CSV needs a header line naming the columns, then one line per sample", file.display())]
    EmptyFile {
        /// The file.
        file: PathBuf,
    },
    /// The file has a header but no data rows.
    #[error("{}: the header is there but no data rows follow; add one line per sample", file.display())]
    NoRows {
        /// The file.
        file: PathBuf,
    },
    /// A header field is empty.
    #[error("{}:1: column {column} has an empty name; give every column a name in the header", file.display())]
    EmptyColumnName {
        /// The file.
        file: PathBuf,
        /// 1-based column index.
        column: usize,
    },
    /// Two header fields have the same name.
    #[error("{}:1: columns {first} and {second} are both named `{name}`; rename one so that every column name is unique", file.display())]
    DuplicateColumn {
        /// The file.
        file: PathBuf,
        /// The repeated name.
        name: String,
        /// 1-based index of the first column with the name.
        first: usize,
        /// 1-based index of the second.
        second: usize,
    },
    /// A row has a different number of fields than the header.
    #[error("{}:{line}: this row has {got} fields but the header has {expected}; every row needs one value per column (look for a missing or extra delimiter)", file.display())]
    RaggedRow {
        /// The file.
        file: PathBuf,
        /// 1-based line of the row.
        line: u64,
        /// Fields in the row.
        got: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// A cell that should hold a number holds something else.
    #[error("{}:{line}: column {column} `{name}` holds `{text}`, which is not a number; every feature and target cell must be numeric (encode categories as integers)", file.display())]
    NotNumeric {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column index.
        column: usize,
        /// Column name from the header.
        name: String,
        /// The cell's text.
        text: String,
    },
    /// A cell is empty (a missing value).
    #[error("{}:{line}: column {column} `{name}` is empty; fill in or impute missing values, or drop the row", file.display())]
    EmptyCell {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column index.
        column: usize,
        /// Column name from the header.
        name: String,
    },
    /// A cell holds NaN or an infinity.
    #[error("{}:{line}: column {column} `{name}` holds `{text}`, which is not a finite 32-bit number; replace missing values (NaN) and infinities with real values", file.display())]
    NonFinite {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column index.
        column: usize,
        /// Column name from the header.
        name: String,
        /// The cell's text.
        text: String,
    },
    /// A cell holds a number beyond the `f32` range (such as `1e39`).
    #[error("{}:{line}: column {column} `{name}` holds `{text}`, which exceeds the 32-bit float range (±3.4e38); rescale the column (e.g. change its units) so every value fits", file.display())]
    OutOfRange {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column index.
        column: usize,
        /// Column name from the header.
        name: String,
        /// The cell's text.
        text: String,
    },
    /// The target column named in the options is not in the header.
    #[error("{}: there is no target column `{name}`{}; the columns are: {}", file.display(), did_you_mean(name, available), list(available))]
    UnknownTarget {
        /// The file.
        file: PathBuf,
        /// The name asked for.
        name: String,
        /// The header's column names.
        available: Vec<String>,
    },
    /// A feature column named in the options is not in the header.
    #[error("{}: there is no feature column `{name}`{}; the columns are: {}", file.display(), did_you_mean(name, available), list(available))]
    UnknownFeature {
        /// The file.
        file: PathBuf,
        /// The name asked for.
        name: String,
        /// The header's column names.
        available: Vec<String>,
    },
    /// A column to leave out of the features ([`Features::Except`](crate::Features::Except))
    /// is not in the header.
    #[error("{}: there is no column `{name}` to leave out of the features{}; the columns are: {}", file.display(), did_you_mean(name, available), list(available))]
    UnknownExcludedColumn {
        /// The file.
        file: PathBuf,
        /// The name asked for.
        name: String,
        /// The header's column names.
        available: Vec<String>,
    },
    /// The target column is also listed as a feature, or a feature is listed twice.
    #[error("{}: column `{name}` is selected twice (as target and feature, or twice as a feature); list each column once", file.display())]
    ColumnSelectedTwice {
        /// The file.
        file: PathBuf,
        /// The column.
        name: String,
    },
    /// No feature column is left.
    #[error("{}: no feature columns are selected; name at least one, or use all columns but the target", file.display())]
    NoFeatures {
        /// The file.
        file: PathBuf,
    },
    /// A fraction (test size) outside the open interval (0, 1).
    #[error(
        "test_size must lie strictly between 0 and 1, got {test_size}; use e.g. 0.2 for a 20% test set"
    )]
    TestSize {
        /// The fraction given.
        test_size: f64,
    },
    /// A split leaves one side without samples.
    #[error(
        "with {n_samples} samples and test_size {test_size} the {side} set would be empty; use more samples or another test_size"
    )]
    EmptySide {
        /// Rows to split.
        n_samples: usize,
        /// The fraction given.
        test_size: f64,
        /// `"train"` or `"test"`.
        side: &'static str,
    },
    /// Features and targets have different numbers of rows.
    #[error("x has {x_rows} rows but y has {y_rows}; features and targets need one row per sample")]
    RowMismatch {
        /// Rows of x.
        x_rows: usize,
        /// Rows of y.
        y_rows: usize,
    },
    /// A row index beyond the data.
    #[error(
        "row index {index} is out of range for {rows} samples; pass indices below {rows} (from splitting this dataset, not another one)"
    )]
    RowIndex {
        /// The index given.
        index: usize,
        /// Rows of the data.
        rows: usize,
    },
    /// Feature names do not match the number of columns.
    #[error("{names} feature names were given for {columns} columns; give one name per column")]
    NameCount {
        /// Names given.
        names: usize,
        /// Columns of x.
        columns: usize,
    },
    /// A scaler or encoder got data with no rows.
    #[error("{what} needs at least one row to fit")]
    NoData {
        /// What was being fitted.
        what: &'static str,
    },
    /// Data to transform has another column count than the data the scaler was fitted on.
    #[error(
        "{what} was fitted on {expected} columns but got {got}; transform data with the same features, in the same order, as the training data"
    )]
    ColumnMismatch {
        /// The scaler.
        what: &'static str,
        /// Columns seen at fit time.
        expected: usize,
        /// Columns given now.
        got: usize,
    },
    /// Fit data holds NaN or infinity.
    #[error(
        "{what}: row {row}, column {column} is {value}; clean non-finite values before fitting"
    )]
    NonFiniteValue {
        /// What was being fitted.
        what: &'static str,
        /// 0-based row.
        row: usize,
        /// 0-based column.
        column: usize,
        /// The value.
        value: f32,
    },
    /// A finite value that a fitted scaler maps beyond the `f32` range.
    #[error(
        "{what}: row {row}, column {column} holds {value}, which maps beyond the 32-bit float range (±3.4e38); it lies far outside the data the scaler was fitted on: check the value, or fit on data that covers it"
    )]
    ScaledOutOfRange {
        /// The scaler.
        what: &'static str,
        /// 0-based row.
        row: usize,
        /// 0-based column.
        column: usize,
        /// The value before scaling.
        value: f32,
    },
    /// A scaler option is invalid.
    #[error("{0}")]
    InvalidOption(String),
    /// A class label is negative, fractional, non-finite or too large.
    #[error("label at row {row} is {value}: {reason}")]
    InvalidLabel {
        /// 0-based row.
        row: usize,
        /// The label.
        value: f32,
        /// Why it is rejected and what to do.
        reason: String,
    },
    /// Labels are not one value per row.
    #[error(
        "labels must be one value per row (shape [n] or [n, 1]), got shape {dims:?}; decode one-hot rows with `decode_one_hot` first"
    )]
    LabelShape {
        /// The shape given.
        dims: Vec<usize>,
    },
    /// A cross-validation splitter is misconfigured for the data.
    #[error("{splitter}: {message}")]
    Splitter {
        /// The splitter (`KFold`, `StratifiedKFold`, `ShuffleSplit`).
        splitter: &'static str,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// No bundled data set has the name.
    #[error("there is no bundled data set `{name}`; the bundled ones are: {}", available.join(", "))]
    UnknownDataset {
        /// The name asked for.
        name: String,
        /// The bundled names.
        available: Vec<String>,
    },
    /// A buffer sized from the arguments (a class count, a sample count) has more than 2³²
    /// entries or does not fit in memory.
    #[error("{what} is too large; {fix}")]
    TooLarge {
        /// The buffer, with its size.
        what: String,
        /// What would make it smaller.
        fix: String,
    },
    /// An argument (an augmentation setting, a transform parameter, an image shape) outside
    /// what it accepts.
    #[error("invalid {field} = {value}: {expected}")]
    Invalid {
        /// The argument, e.g. `TransformParams.theta` or `zoom_range`.
        field: String,
        /// The value given, as text.
        value: String,
        /// What is accepted, or what would fix it.
        expected: String,
    },
    /// An image file is damaged, truncated or not an image at all.
    #[error("{}: cannot decode the image: {message}; the file is damaged, truncated or not an image: re-export it, or remove it from the folder", file.display())]
    BadImage {
        /// The file (or the name given to bytes decoded from memory).
        file: PathBuf,
        /// What the decoder reported.
        message: String,
    },
    /// An image file is in a format gradus does not read (WebP, AVIF, …).
    #[error("{}: {format} images are not supported; gradus reads PNG, JPEG, BMP, GIF, TIFF and PPM: convert the file to one of them", file.display())]
    UnsupportedImage {
        /// The file.
        file: PathBuf,
        /// The format found (or `this kind of`, when unknown).
        format: String,
    },
    /// An image could not be written.
    #[error("{}: cannot save the image: {message}", file.display())]
    SaveImage {
        /// The file.
        file: PathBuf,
        /// What went wrong and how to fix it.
        message: String,
    },
    /// A class folder of an image folder data set holds no image files.
    #[error("{}: the class folder `{class}` holds no image files ({}); add images, remove the folder, or list the classes to use", folder.display(), extensions.join(", "))]
    EmptyClass {
        /// The class folder.
        folder: PathBuf,
        /// The class name.
        class: String,
        /// The file extensions that count as images.
        extensions: Vec<String>,
    },
    /// An image folder data set found no images at all (or none in the chosen subset).
    #[error("{}: no images found{}; put the images in one sub-folder per class (e.g. `cats/1.jpg`, `dogs/2.jpg`) with one of the extensions {}", dir.display(), if subset.is_empty() { String::new() } else { format!(" in the {subset} subset (raise validation_split or add images)") }, extensions.join(", "))]
    NoImages {
        /// The data set's folder.
        dir: PathBuf,
        /// The subset (`training`, `validation`), or empty for the whole folder.
        subset: String,
        /// The file extensions that count as images.
        extensions: Vec<String>,
    },
    /// A tensor could not be built.
    #[error(transparent)]
    Tensor(#[from] gradus_tensor::Error),
}

/// The first 20 names, comma-separated, and how many more there are: an error about a file
/// with a hundred thousand columns stays readable.
fn list(names: &[String]) -> String {
    const LISTED: usize = 20;
    let shown = names[..names.len().min(LISTED)].join(", ");
    match names.len().checked_sub(LISTED) {
        Some(more) if more > 0 => format!("{shown} and {more} more"),
        _ => shown,
    }
}

/// `; did you mean `x`?` for the column nearest to `name` when it is a likely typo (see
/// [`gradus_tensor::names::UnknownName`]), else nothing.
fn did_you_mean(name: &str, available: &[String]) -> String {
    let unknown = gradus_tensor::names::UnknownName::new(
        "column",
        name,
        available.iter().map(String::as_str),
    );
    unknown
        .suggestion()
        .map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
