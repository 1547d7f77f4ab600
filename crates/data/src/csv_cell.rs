//! One CSV cell to an `f32`: the number, or which of the cell errors it is.

use std::path::Path;

use crate::Error;

/// Why a cell is not a usable number.
#[derive(Debug, PartialEq)]
pub(crate) enum CellProblem {
    /// Nothing in the cell.
    Empty,
    /// `NaN` or an infinity, written as such.
    NonFinite,
    /// A finite number beyond `±f32::MAX` (`1e39`), which `f32` would turn into infinity.
    OutOfRange,
    /// Not a number at all.
    NotNumeric,
}

/// Parses a trimmed cell as `f32`, correctly rounded.
///
/// Numbers too small for `f32` (`1e-50`) round to zero or a subnormal, as in numpy's
/// `float32`; numbers too large are [`CellProblem::OutOfRange`] rather than infinity.
pub(crate) fn parse_cell(text: &str) -> Result<f32, CellProblem> {
    if text.is_empty() {
        return Err(CellProblem::Empty);
    }
    match text.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) if v.is_nan() || spells_infinity(text) => Err(CellProblem::NonFinite),
        Ok(_) => Err(CellProblem::OutOfRange),
        Err(_) => Err(CellProblem::NotNumeric),
    }
}

/// Whether `text` (already accepted by `f32::from_str`) is `inf` or `infinity` in any case,
/// with an optional sign, rather than a finite number that overflowed.
fn spells_infinity(text: &str) -> bool {
    let magnitude = text.strip_prefix(['+', '-']).unwrap_or(text);
    magnitude.eq_ignore_ascii_case("inf") || magnitude.eq_ignore_ascii_case("infinity")
}

/// The [`Error`] for `problem` in the cell at `line`, 0-based `column` named `name`.
pub(crate) fn cell_error(
    problem: CellProblem,
    file: &Path,
    line: u64,
    column: usize,
    name: &str,
    text: &str,
) -> Error {
    let (file, column, name, text) = (
        file.to_owned(),
        column + 1,
        name.to_owned(),
        text.to_owned(),
    );
    match problem {
        CellProblem::Empty => Error::EmptyCell {
            file,
            line,
            column,
            name,
        },
        CellProblem::NonFinite => Error::NonFinite {
            file,
            line,
            column,
            name,
            text,
        },
        CellProblem::OutOfRange => Error::OutOfRange {
            file,
            line,
            column,
            name,
            text,
        },
        CellProblem::NotNumeric => Error::NotNumeric {
            file,
            line,
            column,
            name,
            text,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_problems() {
        assert_eq!(parse_cell("-2.5e3"), Ok(-2500.0));
        assert_eq!(parse_cell("+.5"), Ok(0.5));
        // The largest finite f32, and a value just above it that still rounds down to it.
        assert_eq!(parse_cell("3.4028235e38"), Ok(f32::MAX));
        assert_eq!(parse_cell("3.40282356e38"), Ok(f32::MAX));
        // Underflow rounds to zero, as numpy's float32 does.
        assert_eq!(parse_cell("1e-50"), Ok(0.0));
        assert_eq!(parse_cell(""), Err(CellProblem::Empty));
        for non_finite in ["NaN", "-nan", "inf", "+Inf", "-INFINITY", "infinity"] {
            assert_eq!(
                parse_cell(non_finite),
                Err(CellProblem::NonFinite),
                "{non_finite}"
            );
        }
        for huge in [
            "1e39",
            "-1e39",
            "3.5e38",
            "1e400",
            "-999999999999999999999999999999999999999",
        ] {
            assert_eq!(parse_cell(huge), Err(CellProblem::OutOfRange), "{huge}");
        }
        for text in ["abc", "1,5", "0x10", "1e", "--1", "infinit", "1 2"] {
            assert_eq!(parse_cell(text), Err(CellProblem::NotNumeric), "{text}");
        }
    }
}
