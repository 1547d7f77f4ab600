//! [`CsvOptions`] and [`Features`]: which columns of a CSV file are the target and the features.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Which columns are the features.
///
/// In a TOML spec this is `features = "all_others"`, `features = { named = ["a", "b"] }`
/// or `features = { except = ["id"] }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Features {
    /// Every column except the target, in file order.
    #[default]
    AllOthers,
    /// These columns, in this order. Other columns are ignored and need not be numeric.
    Named(Vec<String>),
    /// Every column except the target and these, in file order (pandas's
    /// `df.drop(columns=[…])`): for id or free-text columns. The excluded columns are not
    /// parsed, so they may hold anything; each must be in the header.
    Except(Vec<String>),
}

/// How to read a CSV file into a [`Dataset`](crate::Dataset): the first line is a header of
/// unique column names; the target is one column chosen by name; the features are the other
/// columns or a named subset.
///
/// Cells are trimmed of surrounding spaces and parsed as `f32`; empty, non-numeric and
/// non-finite cells, and numbers beyond the `f32` range (±3.4e38), are errors naming the
/// file, line and column.
///
/// ```
/// use gradus_data::{CsvOptions, Features};
/// let opts = CsvOptions::new("price").with_features(["area", "rooms"]);
/// assert_eq!(opts.features, Features::Named(vec!["area".into(), "rooms".into()]));
/// assert_eq!(opts.delimiter, b',');
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsvOptions {
    /// Name of the target column.
    pub target: String,
    /// The feature columns.
    pub features: Features,
    /// Field separator, one ASCII byte other than `"`, CR and LF (`,` by default; `;` and
    /// `\t` are common). In serde formats it is written as a one-character string, e.g.
    /// `delimiter = ";"`.
    #[serde(with = "delimiter")]
    pub delimiter: u8,
}

impl Default for CsvOptions {
    /// Target `target`, all other columns as features, comma-separated.
    fn default() -> CsvOptions {
        CsvOptions {
            target: "target".to_owned(),
            features: Features::AllOthers,
            delimiter: b',',
        }
    }
}

impl CsvOptions {
    /// Options with the given target column, all other columns as features, comma-separated.
    pub fn new(target: impl Into<String>) -> CsvOptions {
        CsvOptions {
            target: target.into(),
            ..CsvOptions::default()
        }
    }

    /// The same options with the named feature columns, in this order.
    pub fn with_features<I, S>(mut self, names: I) -> CsvOptions
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.features = Features::Named(names.into_iter().map(Into::into).collect());
        self
    }

    /// The same options with every column but the target and `names` as features, in file
    /// order ([`Features::Except`]).
    ///
    /// ```
    /// use gradus_data::{CsvOptions, Features};
    /// let opts = CsvOptions::new("price").without_features(["id"]);
    /// assert_eq!(opts.features, Features::Except(vec!["id".into()]));
    /// ```
    pub fn without_features<I, S>(mut self, names: I) -> CsvOptions
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.features = Features::Except(names.into_iter().map(Into::into).collect());
        self
    }

    /// The same options with another field separator.
    pub fn with_delimiter(mut self, delimiter: u8) -> CsvOptions {
        self.delimiter = delimiter;
        self
    }
}

/// Checks that `delimiter` can separate fields: an ASCII byte that is neither the quote
/// character nor a line end.
pub(crate) fn check_delimiter(delimiter: u8) -> Result<()> {
    let why = match delimiter {
        b'"' => "it is the quote character",
        b'\n' | b'\r' => "it ends lines",
        d if !d.is_ascii() => "it is not an ASCII character",
        _ => return Ok(()),
    };
    Err(Error::InvalidOption(format!(
        "CsvOptions: delimiter {:?} cannot separate fields: {why}; use ',', ';' or '\\t'",
        char::from(delimiter)
    )))
}

/// Serde for the delimiter: a one-character ASCII string (or, leniently, a byte value).
mod delimiter {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(d: &u8, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 4];
        s.serialize_str(char::from(*d).encode_utf8(&mut buf))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        d.deserialize_any(DelimiterVisitor)
    }

    struct DelimiterVisitor;

    impl Visitor<'_> for DelimiterVisitor {
        type Value = u8;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a one-character ASCII delimiter such as \",\" or \";\"")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<u8, E> {
            match v.as_bytes() {
                [b] if b.is_ascii() => Ok(*b),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u8, E> {
            match u8::try_from(v) {
                Ok(b) if b.is_ascii() => Ok(b),
                _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
            }
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u8, E> {
            match u8::try_from(v) {
                Ok(b) if b.is_ascii() => Ok(b),
                _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_round_trip_and_defaults() {
        let opts: CsvOptions = toml::from_str(
            r#"
            target = "y"
            features = { named = ["a", "b"] }
            delimiter = ";"
            "#,
        )
        .unwrap();
        assert_eq!(
            opts,
            CsvOptions::new("y")
                .with_features(["a", "b"])
                .with_delimiter(b';')
        );
        let text = toml::to_string(&opts).unwrap();
        assert!(text.contains("delimiter = \";\""), "{text}");
        assert_eq!(toml::from_str::<CsvOptions>(&text).unwrap(), opts);

        let defaults: CsvOptions = toml::from_str("target = \"progression\"").unwrap();
        assert_eq!(defaults.features, Features::AllOthers);
        assert_eq!(defaults.delimiter, b',');
        let all: CsvOptions = toml::from_str("features = \"all_others\"").unwrap();
        assert_eq!(all.target, "target");
        let except: CsvOptions = toml::from_str("features = { except = [\"id\"] }").unwrap();
        assert_eq!(except, CsvOptions::default().without_features(["id"]));
        let text = toml::to_string(&except).unwrap();
        assert_eq!(toml::from_str::<CsvOptions>(&text).unwrap(), except);
    }

    #[test]
    fn bad_delimiters_and_unknown_fields_are_rejected() {
        let e = toml::from_str::<CsvOptions>("delimiter = \";;\"").unwrap_err();
        assert!(e.to_string().contains("one-character"), "{e}");
        let e = toml::from_str::<CsvOptions>("delimiter = \"é\"").unwrap_err();
        assert!(e.to_string().contains("one-character"), "{e}");
        assert_eq!(
            serde_json::from_str::<CsvOptions>(r#"{"delimiter": 9}"#)
                .unwrap()
                .delimiter,
            b'\t'
        );
        let e = toml::from_str::<CsvOptions>("tagret = \"y\"").unwrap_err();
        assert!(e.to_string().contains("tagret"), "{e}");
    }
}
