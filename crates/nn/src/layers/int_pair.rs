//! Serde for Keras's "an int or a tuple of 2 ints" arguments (`kernel_size`, `strides`,
//! `pool_size`, `dilation_rate`): `3` reads as `[3, 3]`, `[3, 2]` as itself; written back
//! as the pair.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The accepted spellings.
#[derive(Deserialize)]
#[serde(untagged)]
enum IntOrPair {
    One(usize),
    Two([usize; 2]),
}

impl From<IntOrPair> for [usize; 2] {
    fn from(v: IntOrPair) -> [usize; 2] {
        match v {
            IntOrPair::One(n) => [n, n],
            IntOrPair::Two(p) => p,
        }
    }
}

/// `#[serde(with = "int_pair")]` for a `[usize; 2]` field.
pub(crate) fn serialize<S: Serializer>(v: &[usize; 2], s: S) -> Result<S::Ok, S::Error> {
    v.serialize(s)
}

/// See [`serialize`].
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[usize; 2], D::Error> {
    IntOrPair::deserialize(d).map(Into::into)
}

/// `#[serde(with = "int_pair::option")]` for an `Option<[usize; 2]>` field (`None` is
/// written as nothing with `skip_serializing_if`, or as `null`).
pub(crate) mod option {
    use super::*;

    /// See the module docs.
    pub(crate) fn serialize<S: Serializer>(
        v: &Option<[usize; 2]>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    /// See the module docs.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<[usize; 2]>, D::Error> {
        Option::<IntOrPair>::deserialize(d).map(|v| v.map(Into::into))
    }
}

/// `[a, b]` as `a×b` for messages.
pub(crate) fn text(v: [usize; 2]) -> String {
    format!("{}×{}", v[0], v[1])
}
