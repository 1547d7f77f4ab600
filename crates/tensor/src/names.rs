//! Names as a user types them (Keras's `"relu"`, `"adam"`, `"mse"`, …): one lookup and one
//! error for every family of named things in gradus, with the valid names listed nearest
//! first (edit distance), so that a typo gets a "did you mean".
//!
//! - [`parse_name`] looks a name up in a table of `(name, value)` pairs (aliases are
//!   further rows with the same value), ignoring ASCII case.
//! - [`UnknownName`] is the error; its message reads
//!   `unknown loss "binary_crossentropyy"; did you mean "binary_crossentropy"? valid: …`.
//! - [`nearest`] orders candidate names by their distance to a given one; gradus-data uses
//!   it for column names.
//! - [`deserialize_name_or_table`] lets a serde type be written as its name (`"adam"`) or
//!   as its full table (`{ adam = { beta_1 = 0.8 } }`).

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// An unknown name: what kind of thing was asked for, the name given, and the valid names,
/// nearest first.
///
/// "did you mean" is shown when the nearest valid name is within a third of the longer
/// name's length in edits (at least 1, at most [`UnknownName::SUGGEST_DISTANCE`]) and
/// keeps at least one character: insertions, deletions, substitutions or transpositions
/// of adjacent characters, ASCII case ignored.
///
/// ```
/// use gradus_tensor::names::UnknownName;
/// let e = UnknownName::new("loss", "binary_crossentropyy", ["mse", "binary_crossentropy"]);
/// assert_eq!(e.suggestion(), Some("binary_crossentropy"));
/// assert_eq!(
///     e.to_string(),
///     r#"unknown loss "binary_crossentropyy"; did you mean "binary_crossentropy"? valid: "binary_crossentropy", "mse""#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    /// What kind of name: `loss`, `activation`, `column`, ….
    pub kind: String,
    /// The name given.
    pub name: String,
    /// Every valid name, nearest to `name` first.
    pub valid: Vec<String>,
}

impl UnknownName {
    /// The largest edit distance at which the nearest name is suggested.
    pub const SUGGEST_DISTANCE: usize = 3;

    /// The error for `name` among `valid` (in any order; they are sorted nearest first).
    pub fn new<'a>(
        kind: impl Into<String>,
        name: impl Into<String>,
        valid: impl IntoIterator<Item = &'a str>,
    ) -> UnknownName {
        let name = name.into();
        let valid = nearest(&name, valid)
            .into_iter()
            .map(String::from)
            .collect();
        UnknownName {
            kind: kind.into(),
            name,
            valid,
        }
    }

    /// The nearest valid name, when it is close enough to be a likely typo.
    pub fn suggestion(&self) -> Option<&str> {
        let best = self.valid.first()?;
        let longer = self.name.chars().count().max(best.chars().count());
        let limit = (longer / 3).clamp(1, Self::SUGGEST_DISTANCE);
        let d = distance(&self.name, best);
        (d <= limit && d < longer).then_some(best.as_str())
    }
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.kind, self.name)?;
        if let Some(s) = self.suggestion() {
            write!(f, "; did you mean {s:?}?")?;
        }
        let valid: Vec<String> = self.valid.iter().map(|v| format!("{v:?}")).collect();
        write!(f, " valid: {}", valid.join(", "))
    }
}

impl std::error::Error for UnknownName {}

/// The edit distance between two names, ignoring ASCII case (optimal string alignment:
/// insertions, deletions, substitutions and adjacent transpositions).
pub fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
}

/// `candidates` ordered by their [`distance`] to `name`, nearest first; ties keep the
/// candidates' order.
///
/// ```
/// use gradus_tensor::names::nearest;
/// assert_eq!(nearest("relu", ["tanh", "elu", "selu"]), ["elu", "selu", "tanh"]);
/// ```
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut ranked: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (distance(name, c), c))
        .collect();
    ranked.sort_by_key(|&(d, _)| d);
    ranked.into_iter().map(|(_, c)| c).collect()
}

/// The value named `name` (ASCII case ignored, surrounding spaces trimmed) in `table`.
///
/// # Errors
/// [`UnknownName`] of `kind`, listing every name of the table, nearest first.
///
/// ```
/// use gradus_tensor::names::parse_name;
/// let table = [("mean_squared_error", 1), ("mse", 1), ("huber", 2)];
/// assert_eq!(parse_name("loss", "MSE", &table), Ok(1));
/// let e = parse_name("loss", "hubber", &table).unwrap_err();
/// assert_eq!(e.suggestion(), Some("huber"));
/// ```
pub fn parse_name<T: Clone>(kind: &str, name: &str, table: &[(&str, T)]) -> Result<T, UnknownName> {
    let key = name.trim();
    table
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.clone())
        .ok_or_else(|| UnknownName::new(kind, name, table.iter().map(|(n, _)| *n)))
}

/// Deserializes `T` from its name (through `T`'s [`FromStr`]) or from the table form `R`
/// that serde derives for it (converted with `From<R>`); any other value is an error
/// naming both forms.
///
/// Use it from a `Deserialize` impl that delegates the table form to a private mirror
/// type: `deserialize_name_or_table::<D, LossConfig, Repr>(d)`.
///
/// # Errors
/// `T`'s parse error for an unknown name, `R`'s for a bad table.
pub fn deserialize_name_or_table<'de, D, T, R>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + From<R>,
    T::Err: fmt::Display,
    R: Deserialize<'de>,
{
    struct NameOrTable<T, R>(PhantomData<(T, R)>);

    impl<'de, T, R> Visitor<'de> for NameOrTable<T, R>
    where
        T: FromStr + From<R>,
        T::Err: fmt::Display,
        R: Deserialize<'de>,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a name (such as \"adam\") or a one-entry table of a name and options")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            v.parse().map_err(E::custom)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            R::deserialize(de::value::MapAccessDeserializer::new(map)).map(T::from)
        }
    }

    d.deserialize_any(NameOrTable::<T, R>(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_first_and_suggestions() {
        let valid = ["mean_squared_error", "binary_crossentropy", "huber", "mse"];
        let e = UnknownName::new("loss", "binary_crossentropyy", valid);
        assert_eq!(e.valid[0], "binary_crossentropy");
        assert_eq!(
            e.to_string(),
            "unknown loss \"binary_crossentropyy\"; did you mean \"binary_crossentropy\"? \
             valid: \"binary_crossentropy\", \"mean_squared_error\", \"huber\", \"mse\""
        );
        // Far from everything: no suggestion, still the list.
        let e = UnknownName::new("loss", "zzzzzzzzzzzz", valid);
        assert_eq!(e.suggestion(), None);
        assert!(
            e.to_string()
                .starts_with("unknown loss \"zzzzzzzzzzzz\" valid: ")
        );
        // Up to a third of the longer name's length in edits, at most three.
        assert_eq!(
            UnknownName::new("loss", "hubr", valid).suggestion(),
            Some("huber")
        );
        assert_eq!(UnknownName::new("loss", "hu", valid).suggestion(), None);
        assert_eq!(UnknownName::new("loss", "h", valid).suggestion(), None);
        // Replacing the only character is no suggestion; dropping one of two is.
        assert_eq!(
            UnknownName::new("column", "y", ["a", "b"]).suggestion(),
            None
        );
        assert_eq!(
            UnknownName::new("column", "ab", ["a", "b"]).suggestion(),
            Some("a")
        );
        let e = UnknownName::new("loss", "mean_sqared_eror", valid);
        assert_eq!(e.suggestion(), Some("mean_squared_error"));
        let e = UnknownName::new("loss", "mean_sqrd_eror", valid);
        assert_eq!(e.suggestion(), None);
        // A transposition is one edit.
        assert_eq!(distance("rleu", "relu"), 1);
        assert_eq!(distance("ReLU", "relu"), 0);
    }

    #[test]
    fn empty_name_and_empty_table() {
        let e = parse_name::<u8>("loss", "", &[]).unwrap_err();
        assert_eq!(e.to_string(), "unknown loss \"\" valid: ");
        assert_eq!(parse_name("loss", " mse ", &[("mse", 3)]), Ok(3));
    }
}
