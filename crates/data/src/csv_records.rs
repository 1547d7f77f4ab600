//! The records of a CSV text, read with the csv crate, with the line each one starts on;
//! and the quote left open, so that its error names the line where it opened instead of the
//! field counts of a record that swallowed the rest of the file.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The UTF-8 byte order mark some editors write first.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads records from a CSV text kept whole, so that error lines can be counted from byte
/// offsets: the csv crate's own line numbers skip blank lines, and its record offsets point
/// at the blank lines before a record, which are skipped here.
pub(crate) struct Records<'a> {
    text: &'a [u8],
    reader: ::csv::Reader<&'a [u8]>,
    record: ::csv::ByteRecord,
    /// Where a never-closed quote opens, if one does.
    open_quote: Option<usize>,
    /// An error [`Records::fill`] met after the first record of a batch.
    pending: Option<Error>,
    file: PathBuf,
}

impl<'a> Records<'a> {
    /// Records of `text` (without a leading byte order mark) split at `delimiter`, which
    /// must not be `"`, CR or LF; errors name `file`.
    pub(crate) fn new(text: &'a [u8], delimiter: u8, file: PathBuf) -> Records<'a> {
        let text = text.strip_prefix(BOM).unwrap_or(text);
        let reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text);
        Records {
            text,
            reader,
            record: ::csv::ByteRecord::new(),
            open_quote: unclosed_quote(text, delimiter),
            pending: None,
            file,
        }
    }

    /// The file errors name.
    pub(crate) fn file(&self) -> &Path {
        &self.file
    }

    /// The file errors name, taken out.
    pub(crate) fn into_file(self) -> PathBuf {
        self.file
    }

    /// Reads the next record (then [`Records::record`]); `false` at the end of the text.
    ///
    /// # Errors
    /// [`Error::Malformed`] for invalid UTF-8; [`Error::UnclosedQuote`] for the record that
    /// runs to the end of the text because a quote in it is never closed.
    pub(crate) fn next_record(&mut self) -> Result<bool> {
        let mut record = std::mem::take(&mut self.record);
        let read = self.read_into(&mut record);
        self.record = record;
        read
    }

    /// [`Records::next_record`] into `record` instead of the current record.
    fn read_into(&mut self, record: &mut ::csv::ByteRecord) -> Result<bool> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        match self.reader.read_byte_record(record) {
            Ok(false) => return Ok(false),
            Ok(true) => {}
            Err(e) => {
                let line = self.line_at(e.position().map_or(0, ::csv::Position::byte));
                let message = match e.kind() {
                    ::csv::ErrorKind::Utf8 { err, .. } => {
                        format!("column {} is not valid UTF-8 text", err.field() + 1)
                    }
                    _ => e.to_string(),
                };
                return Err(match e.into_kind() {
                    ::csv::ErrorKind::Io(source) => Error::Io {
                        file: self.file.clone(),
                        source,
                    },
                    _ => Error::Malformed {
                        file: self.file.clone(),
                        line,
                        message,
                    },
                });
            }
        }
        let start = record.position().map_or(0, ::csv::Position::byte);
        let at_end = self.reader.position().byte() >= self.text.len() as u64;
        if let Some(opened) = self.open_quote.filter(|&q| at_end && q as u64 >= start) {
            return Err(Error::UnclosedQuote {
                file: self.file.clone(),
                line: line_of(self.text, opened),
            });
        }
        Ok(true)
    }

    /// The last record read, as bytes (fields untrimmed).
    pub(crate) fn record(&self) -> &::csv::ByteRecord {
        &self.record
    }

    /// Field `column` of the last record read, trimmed of surrounding whitespace, as text.
    ///
    /// # Errors
    /// [`Error::Malformed`] naming the line and column when the field is not UTF-8.
    pub(crate) fn field(&self, column: usize) -> Result<&str> {
        field_text(&self.record, column).map_err(|()| self.not_utf8(self.line(), column))
    }

    /// The error of a field that is not UTF-8 text.
    pub(crate) fn not_utf8(&self, line: u64, column: usize) -> Error {
        Error::Malformed {
            file: self.file.clone(),
            line,
            message: format!("column {} is not valid UTF-8 text", column + 1),
        }
    }

    /// Reads up to `batch.capacity` records into `batch` (reusing its buffers); returns how
    /// many were read (fewer at the end of the text).
    ///
    /// # Errors
    /// As [`Records::next_record`].
    /// An error after the first record of a batch is kept for the next call, so that the
    /// batch's own problems are reported first, in file order.
    pub(crate) fn fill(&mut self, batch: &mut RecordBatch) -> Result<usize> {
        batch.len = 0;
        while batch.len < batch.capacity {
            if batch.len == batch.records.len() {
                batch.records.push(::csv::ByteRecord::new());
                batch.starts.push(0);
            }
            let mut record = std::mem::take(&mut batch.records[batch.len]);
            let read = self.read_into(&mut record);
            let start = record.position().map_or(0, ::csv::Position::byte);
            batch.records[batch.len] = record;
            match read {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) if batch.len == 0 => return Err(e),
                Err(e) => {
                    self.pending = Some(e);
                    break;
                }
            }
            batch.starts[batch.len] = start;
            batch.len += 1;
        }
        Ok(batch.len)
    }

    /// The 1-based line a record starting at byte `start` begins on.
    pub(crate) fn line_of_start(&self, start: u64) -> u64 {
        self.line_at(start)
    }

    /// The 1-based line the last record read starts on.
    pub(crate) fn line(&self) -> u64 {
        self.line_at(self.record_start())
    }

    fn record_start(&self) -> u64 {
        self.record.position().map_or(0, ::csv::Position::byte)
    }

    /// The line of the first byte at or after `byte` that is not a line end.
    fn line_at(&self, byte: u64) -> u64 {
        let text = self.text;
        let mut end = usize::try_from(byte).map_or(text.len(), |b| b.min(text.len()));
        while end < text.len() && matches!(text[end], b'\n' | b'\r') {
            end += 1;
        }
        line_of(text, end)
    }
}

/// Records read by [`Records::fill`], with the byte each starts at.
pub(crate) struct RecordBatch {
    /// The records; the first `len` are current.
    pub records: Vec<::csv::ByteRecord>,
    /// The byte each record starts at.
    pub starts: Vec<u64>,
    /// Records current.
    pub len: usize,
    /// Most records per fill.
    pub capacity: usize,
}

impl RecordBatch {
    /// An empty batch of at most `capacity` records.
    pub(crate) fn new(capacity: usize) -> RecordBatch {
        RecordBatch {
            records: Vec::new(),
            starts: Vec::new(),
            len: 0,
            capacity,
        }
    }
}

/// Field `column` of `record`, trimmed of surrounding whitespace, as text; `Err` when it is
/// not UTF-8.
pub(crate) fn field_text(record: &::csv::ByteRecord, column: usize) -> Result<&str, ()> {
    let bytes = record.get(column).unwrap_or_default().trim_ascii();
    std::str::from_utf8(bytes).map_err(|_| ())
}

/// The byte offset of a quote that opens a field and is never closed, if the text has one.
///
/// Follows the csv crate's reading rules with its defaults (`"` quotes, a quote inside a
/// quoted field written as two, no escape character): a quote opens a quoted field only as
/// the first byte of a field; after the closing quote the field goes on unquoted. The
/// delimiter must not be `"`, CR or LF.
fn unclosed_quote(text: &[u8], delimiter: u8) -> Option<usize> {
    if !text.contains(&b'"') {
        return None;
    }
    #[derive(Clone, Copy)]
    enum State {
        StartField,
        Unquoted,
        Quoted { opened: usize },
        QuoteInQuoted { opened: usize },
    }
    let mut state = State::StartField;
    for (i, &b) in text.iter().enumerate() {
        let ends_field = b == delimiter || b == b'\n' || b == b'\r';
        state = match state {
            State::StartField if b == b'"' => State::Quoted { opened: i },
            State::StartField | State::Unquoted if ends_field => State::StartField,
            State::StartField | State::Unquoted => State::Unquoted,
            State::Quoted { opened } if b == b'"' => State::QuoteInQuoted { opened },
            State::Quoted { opened } => State::Quoted { opened },
            // `""` inside quotes is one literal quote.
            State::QuoteInQuoted { opened } if b == b'"' => State::Quoted { opened },
            State::QuoteInQuoted { .. } if ends_field => State::StartField,
            State::QuoteInQuoted { .. } => State::Unquoted,
        };
    }
    match state {
        State::Quoted { opened } => Some(opened),
        _ => None,
    }
}

/// The 1-based line holding byte `offset` of `text`.
fn line_of(text: &[u8], offset: usize) -> u64 {
    let end = offset.min(text.len());
    1 + text[..end].iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: &str) -> Option<usize> {
        unclosed_quote(text.as_bytes(), b',')
    }

    #[test]
    fn balanced_quotes_are_closed() {
        assert_eq!(open(""), None);
        assert_eq!(open("a,y\n1,2\n"), None);
        assert_eq!(open("\"a\",\"y\"\n\"1\n2\",3\n"), None);
        // A doubled quote inside quotes, and an empty quoted field.
        assert_eq!(open("\"say \"\"hi\"\"\",\"\"\n"), None);
        // A quote inside an unquoted field is literal and opens nothing.
        assert_eq!(open("a,5\"\n1,2\n"), None);
        // After the closing quote the field goes on unquoted; its quote is literal.
        assert_eq!(open("\"a\"b\"c,y\n"), None);
        // A quote closed at the very end of the text.
        assert_eq!(open("a,\"y\""), None);
    }

    #[test]
    fn the_opening_quote_of_an_unclosed_field_is_found() {
        assert_eq!(open("a,y\n1,\"2\n3,4\n"), Some(6));
        assert_eq!(open("\""), Some(0));
        // The last quote pair closes; the third quote opens again.
        assert_eq!(open("\"a\",\"b\"\"\n"), Some(4));
        assert_eq!(open("a,y\r\n\"1,2\r\n"), Some(5));
        // With another delimiter, a quote after a comma is inside an unquoted field.
        assert_eq!(unclosed_quote(b"a;y\n1,\"2\n", b';'), None);
        assert_eq!(unclosed_quote(b"a;y\n1;\"2\n", b';'), Some(6));
    }

    #[test]
    fn lines_count_newlines_before_the_offset() {
        let text = b"a,y\n1,2\r\n\n\"3";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 4), 2);
        assert_eq!(line_of(text, 10), 4);
        assert_eq!(line_of(text, 99), 4);
    }
}
