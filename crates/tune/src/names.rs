//! Names as a user types them (`"tpe"`, `"median"`): the error for an unknown one lists the
//! valid names nearest first (edit distance) with a "did you mean", as gradus-tensor's
//! `names` module does for losses and activations (gradus-tune does not depend on it), and
//! the serde form of a config written `{ type = "tpe", … }` or as its bare name.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde_json::Value;

use crate::error::Error;

/// The largest edit distance at which the nearest name is suggested.
const SUGGEST_DISTANCE: usize = 3;

/// The edit distance between two names, ignoring ASCII case (optimal string alignment:
/// insertions, deletions, substitutions and adjacent transpositions).
fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
}

/// `valid` ordered by distance to `name`, nearest first; ties keep their order.
pub(crate) fn nearest<'a>(name: &str, valid: &[&'a str]) -> Vec<&'a str> {
    let mut ranked: Vec<(usize, &str)> = valid.iter().map(|v| (distance(name, v), *v)).collect();
    ranked.sort_by_key(|&(d, _)| d);
    ranked.into_iter().map(|(_, v)| v).collect()
}

/// The message for an unknown `name` of `kind`:
/// ``unknown sampler `tpee`; did you mean `tpe`? valid: tpe, random``. "did you mean" is
/// shown when the nearest name is within a third of the longer name's length in edits (at
/// least 1, at most 3) and keeps at least one character.
pub(crate) fn unknown_message(kind: &str, name: &str, valid: &[&str]) -> String {
    let ranked = nearest(name, valid);
    let mut message = format!("unknown {kind} `{name}`;");
    if let Some(best) = ranked.first() {
        let longer = name.chars().count().max(best.chars().count());
        let d = distance(name, best);
        if d <= (longer / 3).clamp(1, SUGGEST_DISTANCE) && d < longer {
            message.push_str(&format!(" did you mean `{best}`?"));
        }
    }
    message.push_str(&format!(" valid: {}", ranked.join(", ")));
    message
}

/// [`Error::InvalidConfig`] for an unknown name; see [`unknown_message`].
pub(crate) fn unknown(kind: &'static str, name: &str, valid: &[&str]) -> Error {
    Error::InvalidConfig {
        name: kind,
        reason: unknown_message(kind, name, valid),
    }
}

/// Deserializes a config that serde derives as an internally tagged enum (`R`, with the kind
/// in `type`), or that is written as its bare name (through `T`'s `FromStr`). An unknown
/// `type` is refused with the valid kinds nearest first, before `R` sees it.
///
/// The value is read into a JSON tree first (the tag may come after the settings), so this
/// serves any self-describing format: JSON, TOML, YAML.
pub(crate) fn deserialize_tagged<'de, D, T, R>(
    d: D,
    kind: &'static str,
    kinds: &[&str],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr<Err = Error> + From<R>,
    R: DeserializeOwned,
{
    let value = Value::deserialize(d)?;
    match &value {
        Value::String(name) => return name.parse().map_err(D::Error::custom),
        Value::Object(map) => match map.get("type") {
            Some(Value::String(tag)) if !kinds.contains(&tag.as_str()) => {
                return Err(D::Error::custom(unknown_message(kind, tag, kinds)));
            }
            None => {
                return Err(D::Error::custom(format!(
                    "{kind}: give its kind as `type`, one of {}",
                    kinds.join(", ")
                )));
            }
            _ => {}
        },
        _ => {}
    }
    R::deserialize(value).map(T::from).map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_first_with_a_suggestion_for_typos() {
        let valid = ["random", "tpe", "grid"];
        assert_eq!(nearest("tpee", &valid), ["tpe", "grid", "random"]);
        assert_eq!(
            unknown_message("sampler", "tpee", &valid),
            "unknown sampler `tpee`; did you mean `tpe`? valid: tpe, grid, random"
        );
        // Far from everything: the list, no suggestion.
        let m = unknown_message("sampler", "annealing", &valid);
        assert!(!m.contains("did you mean") && m.contains("valid: "), "{m}");
        assert_eq!(
            unknown_message("pruner", "", &[]),
            "unknown pruner ``; valid: "
        );
    }
}
