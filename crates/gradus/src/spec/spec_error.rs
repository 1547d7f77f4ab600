//! [`SpecError`]: what is wrong in a spec file, where, and what would fix it.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use gradus_tensor::names::UnknownName;

/// A spec file that cannot be used: the file, the 1-based line and column of the offending
/// key or value (where known), and a message that names the key and — for a misspelt key or
/// name — the nearest valid one.
///
/// Displays as `FILE:LINE:COLUMN: MESSAGE`, the form editors jump to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file (or `<spec>` for text without a file).
    pub file: PathBuf,
    /// 1-based line, when the error has a position.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the error has a position.
    pub column: Option<usize>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl SpecError {
    /// An error at byte offset `span.start` of `text` (or without a position).
    pub fn at(
        file: impl Into<PathBuf>,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> SpecError {
        let (line, column) = match span {
            Some(span) => {
                let (l, c) = line_column(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        SpecError {
            file: file.into(),
            line,
            column,
            message: with_suggestion(message.into()),
        }
    }

    /// A TOML or serde error of `text`, with its position and a suggestion for a misspelt
    /// key or variant.
    pub fn from_toml(file: impl Into<PathBuf>, text: &str, e: &toml::de::Error) -> SpecError {
        let message = e.message().trim_end().replace('\n', " ");
        SpecError::at(file, text, e.span(), message)
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SpecError {}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown variant …", "expected
/// `a` or `b`") gains "; did you mean `a`?" when a valid name is close to `x`.
fn with_suggestion(message: String) -> String {
    if message.contains("did you mean") {
        return message;
    }
    let Some(unknown) = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|p| message.find(p).map(|i| i + p.len()))
    else {
        return message;
    };
    let Some(end) = message[unknown..].find('`') else {
        return message;
    };
    let bad = &message[unknown..unknown + end];
    let rest = &message[unknown + end + 1..];
    let valid: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    match UnknownName::new("key", bad, valid).suggestion() {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_character_columns() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 3), "é is one column");
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn misspelt_keys_get_the_nearest_valid_one() {
        let m = with_suggestion(
            "unknown field `epoch`, expected one of `epochs`, `batch_size`, `shuffle`".into(),
        );
        assert!(m.ends_with("; did you mean `epochs`?"), "{m}");
        let m = with_suggestion("unknown field `zzz`, expected `epochs` or `seed`".into());
        assert!(!m.contains("did you mean"), "{m}");
        let e = SpecError::at("s.toml", "x\ny", Some(2..3), "bad");
        assert_eq!(e.to_string(), "s.toml:2:1: bad");
    }
}
