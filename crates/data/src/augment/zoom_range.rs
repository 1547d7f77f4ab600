//! [`ZoomRange`]: the zoom factors `zoom_range` draws from.

use gradus_tensor::Rng;
use serde::{Deserialize, Serialize};

use super::invalid;
use crate::Result;

/// The largest zoom factor accepted: far beyond any use, small enough that the affine map
/// of any accepted transform stays finite.
pub const MAX_ZOOM: f64 = 1e9;

/// Keras's `zoom_range`: a float `z` means `[1 − z, 1 + z]`, a pair is used as given. The
/// horizontal and vertical factors are drawn independently from it (so the aspect ratio
/// changes), unless it is `[1, 1]`, when nothing is drawn. A factor above 1 zooms out (the
/// content shrinks to `1/z`), below 1 zooms in.
///
/// ```
/// use gradus_data::ZoomRange;
/// assert_eq!(ZoomRange::Factor(0.2).bounds(), (0.8, 1.2));
/// let r: ZoomRange = serde_json::from_str("[0.5, 1.0]").unwrap();
/// assert_eq!(r.bounds(), (0.5, 1.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ZoomRange {
    /// `z`: factors in `[1 − z, 1 + z]`.
    Factor(f64),
    /// `[lo, hi]`: factors in `[lo, hi]`.
    Range([f64; 2]),
}

impl Default for ZoomRange {
    fn default() -> ZoomRange {
        ZoomRange::Factor(0.0)
    }
}

impl From<f64> for ZoomRange {
    fn from(z: f64) -> ZoomRange {
        ZoomRange::Factor(z)
    }
}

impl From<[f64; 2]> for ZoomRange {
    fn from(r: [f64; 2]) -> ZoomRange {
        ZoomRange::Range(r)
    }
}

impl ZoomRange {
    /// The interval `(lo, hi)` the factors are drawn from.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            ZoomRange::Factor(z) => (1.0 - z, 1.0 + z),
            ZoomRange::Range([lo, hi]) => (lo, hi),
        }
    }

    /// `(zx, zy)`: two independent draws from `U(lo, hi)`, or `(1, 1)` without a draw for
    /// `[1, 1]`.
    pub fn draw(&self, rng: &mut Rng) -> (f64, f64) {
        let (lo, hi) = self.bounds();
        if lo == 1.0 && hi == 1.0 {
            return (1.0, 1.0);
        }
        let zx = rng.uniform_range(lo, hi);
        (zx, rng.uniform_range(lo, hi))
    }

    /// Checks that the factors are finite, at least 0, at most [`MAX_ZOOM`] and ordered.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) naming `zoom_range`.
    pub fn validate(&self) -> Result<()> {
        let (lo, hi) = self.bounds();
        let finite = lo.is_finite() && hi.is_finite() && hi <= MAX_ZOOM;
        match *self {
            ZoomRange::Factor(z) if !(finite && (0.0..=1.0).contains(&z)) => Err(invalid(
                "zoom_range",
                z,
                "a float z in [0, 1] for factors [1 − z, 1 + z] (e.g. 0.2), or a pair \
                 [lo, hi] with 0 ≤ lo ≤ hi",
            )),
            ZoomRange::Range([lo, hi]) if !(finite && 0.0 <= lo && lo <= hi) => Err(invalid(
                "zoom_range",
                format!("[{lo}, {hi}]"),
                "a pair [lo, hi] of factors with 0 ≤ lo ≤ hi ≤ 1e9 (above 1 zooms out)",
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_two_independent_factors_or_none() {
        let mut rng = Rng::new(2);
        assert_eq!(ZoomRange::Range([1.0, 1.0]).draw(&mut rng), (1.0, 1.0));
        let mut differ = false;
        for _ in 0..100 {
            let (zx, zy) = ZoomRange::Factor(0.2).draw(&mut rng);
            assert!((0.8..1.2).contains(&zx) && (0.8..1.2).contains(&zy));
            differ |= zx != zy;
        }
        assert!(differ);
    }

    #[test]
    fn validation() {
        assert!(ZoomRange::Factor(1.0).validate().is_ok());
        let e = ZoomRange::Factor(1.5).validate().unwrap_err().to_string();
        assert!(
            e.starts_with("invalid zoom_range = 1.5: a float z in [0, 1]"),
            "{e}"
        );
        let e = ZoomRange::Range([1.2, 0.8])
            .validate()
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("invalid zoom_range = [1.2, 0.8]"), "{e}");
        assert!(ZoomRange::Range([0.0, f64::INFINITY]).validate().is_err());
    }
}
