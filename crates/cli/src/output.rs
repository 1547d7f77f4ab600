//! Writing results: to stdout (a closed pipe, as in `gradus study show | head`, is not an
//! error), as one JSON document, or as an aligned text table.

use std::io::Write;

use gradus::tune::ParamValue;
use serde::Serialize;

use crate::exit::{CliError, Result};

/// Writes `text` to stdout. A reader that went away (broken pipe) ends the output quietly.
///
/// # Errors
/// A runtime error for any other write failure.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::runtime(format!("cannot write to stdout: {e}"))),
    }
}

/// Writes `value` to stdout as one line of JSON.
///
/// # Errors
/// As [`print()`].
pub fn print_json(value: &impl Serialize) -> Result<()> {
    let text = serde_json::to_string(value)
        .map_err(|e| CliError::runtime(format!("cannot encode the output as JSON: {e}")))?;
    print(&format!("{text}\n"))
}

/// Parameters as `name=value` pairs separated by spaces, in name order.
pub fn params_text<'a>(params: impl IntoIterator<Item = (&'a String, &'a ParamValue)>) -> String {
    params
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A number for tables: `-` when absent.
pub fn opt_number(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// Rows under a header, columns padded to their widest cell (the last column unpadded):
/// the tuner's own [`text_table`](gradus::tune::text_table), as the trials table prints.
pub use gradus::tune::text_table as table;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn tables_align_their_columns() {
        let t = table(
            &["number", "state", "params"],
            &[
                vec!["0".into(), "COMPLETE".into(), "x=1".into()],
                vec!["10".into(), "FAIL".into(), String::new()],
            ],
        );
        assert_eq!(
            t,
            "number  state     params\n0       COMPLETE  x=1\n10      FAIL\n"
        );
        let params = BTreeMap::from([
            ("b".to_owned(), ParamValue::Str("relu".into())),
            ("a".to_owned(), ParamValue::Float(0.5)),
        ]);
        assert_eq!(params_text(&params), "a=0.5 b=relu");
        assert_eq!(opt_number(None), "-");
        assert_eq!(opt_number(Some(2.5)), "2.5");
    }
}
