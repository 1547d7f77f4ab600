//! [`SpecPath`]: a dotted path into a spec (`compile.optimizer.learning_rate`,
//! `model.layers[0].units`) and setting a value there.

use std::fmt;
use std::str::FromStr;

use gradus_tune::ParamValue;
use toml::{Table, Value};

/// One step of a [`SpecPath`]: a table key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A key of a table.
    Key(String),
    /// An index into an array (0-based).
    Index(usize),
}

/// A path to a value of a spec: table keys separated by `.`, array elements as `[i]`, e.g.
/// `model.layers[1].rate`. Tuning sets the value at each path of its search space before
/// building the trial's model.
///
/// Setting creates missing keys (so `fit.batch_size` works when the spec leaves the batch
/// size at its default) and turns an optimizer written as a name (`optimizer = "adam"`) into
/// its table form (`{ algorithm = "adam" }`) to set one of its options.
///
/// ```
/// use gradus::spec::SpecPath;
/// let p: SpecPath = "model.layers[1].units".parse().unwrap();
/// assert_eq!(p.to_string(), "model.layers[1].units");
/// assert!("model..units".parse::<SpecPath>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecPath(pub Vec<Segment>);

impl FromStr for SpecPath {
    type Err = String;

    fn from_str(s: &str) -> Result<SpecPath, String> {
        let bad = |why: &str| {
            format!(
                "`{s}` is not a spec path ({why}); write keys separated by dots and array \
                 elements as [i], e.g. `model.layers[0].units`"
            )
        };
        let mut segments = Vec::new();
        for part in s.split('.') {
            let (key, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if key.is_empty() {
                return Err(bad("an empty key"));
            }
            segments.push(Segment::Key(key.to_owned()));
            while !rest.is_empty() {
                let close = rest.find(']').ok_or_else(|| bad("an unclosed ["))?;
                let index = rest[1..close]
                    .parse::<usize>()
                    .map_err(|_| bad("an index that is not a number"))?;
                segments.push(Segment::Index(index));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(bad("text after ]"));
                }
            }
        }
        Ok(SpecPath(segments))
    }
}

impl fmt::Display for SpecPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k) if i == 0 => f.write_str(k)?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A tuning value as TOML.
pub(crate) fn to_toml(value: &ParamValue) -> Value {
    match value {
        ParamValue::Bool(b) => Value::Boolean(*b),
        ParamValue::Int(i) => Value::Integer(*i),
        ParamValue::Float(x) => Value::Float(*x),
        ParamValue::Str(s) => Value::String(s.clone()),
    }
}

impl SpecPath {
    /// Sets `value` at this path of `root`.
    ///
    /// # Errors
    /// A message naming the path when a step leads into a value that is neither a table nor
    /// an array, or an index beyond the array.
    pub fn set(&self, root: &mut Table, value: Value) -> Result<(), String> {
        let mut wrapped = Value::Table(std::mem::take(root));
        let result = self.set_in(&mut wrapped, value);
        if let Value::Table(t) = wrapped {
            *root = t;
        }
        result
    }

    fn set_in(&self, root: &mut Value, value: Value) -> Result<(), String> {
        let mut node = root;
        for (i, segment) in self.0.iter().enumerate() {
            let last = i + 1 == self.0.len();
            let here = SpecPath(self.0[..i].to_vec());
            // A name in place of a table (`optimizer = "adam"`) becomes `{ algorithm = name }`.
            if let (Value::String(name), Segment::Key(_)) = (&mut *node, segment) {
                let mut t = Table::new();
                t.insert("algorithm".into(), Value::String(std::mem::take(name)));
                *node = Value::Table(t);
            }
            node = match (node, segment) {
                (Value::Table(t), Segment::Key(k)) => {
                    if last {
                        t.insert(k.clone(), value);
                        return Ok(());
                    }
                    t.entry(k.clone())
                        .or_insert_with(|| Value::Table(Table::new()))
                }
                (Value::Array(a), Segment::Index(n)) => {
                    let len = a.len();
                    let slot = a.get_mut(*n).ok_or_else(|| {
                        format!("`{self}`: `{here}` has {len} elements, so there is no [{n}]")
                    })?;
                    if last {
                        *slot = value;
                        return Ok(());
                    }
                    slot
                }
                (other, Segment::Index(n)) => {
                    return Err(format!(
                        "`{self}`: `{here}` is a {}, not an array, so it has no [{n}]",
                        other.type_str()
                    ));
                }
                (other, Segment::Key(k)) => {
                    return Err(format!(
                        "`{self}`: `{here}` is a {}, not a table, so it has no key `{k}`",
                        other.type_str()
                    ));
                }
            };
        }
        Err(format!("`{self}` is empty"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(doc: &str, path: &str, v: Value) -> Result<Table, String> {
        let mut t: Table = doc.parse().unwrap();
        path.parse::<SpecPath>()?.set(&mut t, v)?;
        Ok(t)
    }

    #[test]
    fn sets_keys_indices_and_expands_named_optimizers() {
        let doc = "[compile]\noptimizer = \"adam\"\n[[model.layers]]\nunits = 4\n[[model.layers]]\nunits = 1\n";
        let t = set(doc, "compile.optimizer.learning_rate", Value::Float(0.1)).unwrap();
        assert_eq!(
            t["compile"]["optimizer"].to_string(),
            "{ algorithm = \"adam\", learning_rate = 0.1 }"
        );
        let t = set(doc, "model.layers[1].units", Value::Integer(8)).unwrap();
        assert_eq!(t["model"]["layers"][1]["units"].as_integer(), Some(8));
        let t = set(doc, "fit.batch_size", Value::Integer(16)).unwrap();
        assert_eq!(t["fit"]["batch_size"].as_integer(), Some(16));
        let e = set(doc, "model.layers[2].units", Value::Integer(8)).unwrap_err();
        assert_eq!(
            e,
            "`model.layers[2].units`: `model.layers` has 2 elements, so there is no [2]"
        );
        let e = set(doc, "model.layers.units", Value::Integer(8)).unwrap_err();
        assert!(
            e.contains("is a array, not a table") || e.contains("not a table"),
            "{e}"
        );
        assert!("a[x]".parse::<SpecPath>().is_err());
        assert!("a[1".parse::<SpecPath>().is_err());
        assert!("a[1]b".parse::<SpecPath>().is_err());
        assert_eq!(
            "a[1][2].b".parse::<SpecPath>().unwrap().to_string(),
            "a[1][2].b"
        );
    }
}
