//! The GP's coordinates: every parameter of the relative search space mapped to one
//! coordinate (Optuna 5's `optuna._gp.search_space.SearchSpace`).
//!
//! - float: `u = (x − low)/(high − low)`; on a log scale the same with `ln x`, `ln low`,
//!   `ln high`;
//! - int and stepped float: the range widened by half a step on each side,
//!   `[low − step/2, high + step/2]` (log ints: `[ln(low − ½), ln(high + ½)]`), so each grid
//!   point owns an equal cell; proposals are rounded to the nearest grid point;
//! - categorical: the choice index itself, compared by the Hamming distance in the kernel
//!   (Optuna's encoding: one coordinate per categorical, "is equal" rather than one-hot — the
//!   same kernel as a one-hot encoding with a shared lengthscale).
//!
//! Extreme ranges (widths that overflow) are computed in halves: `u = (x/2 − low/2)/(high/2 −
//! low/2)`, so every finite range maps into `[0, 1]`.

use crate::distribution::Distribution;
use crate::distribution::grid::{int_steps, lerp, steps_in};
use crate::param::ParamValue;

/// Grids with at most this many points are searched exhaustively in the local search.
pub const MAX_EXHAUSTIVE_POINTS: usize = 64;

/// One coordinate of the GP's space.
#[derive(Clone, Debug, PartialEq)]
pub struct Coord {
    /// The transformed lower and upper ends (`ln` for log scales, widened by half a step for
    /// grids); unused for categoricals.
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) log: bool,
    /// The number of values of a discrete coordinate (grid points, choices); `None` for a
    /// continuous one.
    pub(crate) points: Option<u64>,
    pub(crate) categorical: bool,
}

impl Coord {
    /// The coordinate of `d` (assumed valid and not single-valued).
    pub fn new(d: &Distribution) -> Coord {
        match *d {
            Distribution::Float {
                low,
                high,
                log,
                step,
            } => match step {
                Some(s) => {
                    let n = (steps_in(low, high, s) + 1e-9).floor();
                    Coord {
                        lo: (low - s / 2.0).max(-f64::MAX),
                        hi: (high + s / 2.0).min(f64::MAX),
                        log: false,
                        points: Some(n as u64 + 1),
                        categorical: false,
                    }
                }
                None if log => Coord {
                    lo: low.ln(),
                    hi: high.ln(),
                    log: true,
                    points: None,
                    categorical: false,
                },
                None => Coord {
                    lo: low,
                    hi: high,
                    log: false,
                    points: None,
                    categorical: false,
                },
            },
            Distribution::Int {
                low,
                high,
                log,
                step,
            } => {
                let n = int_steps(low, high, step).saturating_add(1);
                if log {
                    let (a, b) = ((low as f64 - 0.5).ln(), (high as f64 + 0.5).ln());
                    Coord {
                        lo: a,
                        hi: b,
                        log: true,
                        points: Some(n),
                        categorical: false,
                    }
                } else {
                    let h = step as f64 / 2.0;
                    Coord {
                        lo: low as f64 - h,
                        hi: high as f64 + h,
                        log: false,
                        points: Some(n),
                        categorical: false,
                    }
                }
            }
            Distribution::Categorical { ref choices } => Coord {
                lo: 0.0,
                hi: choices.len().saturating_sub(1) as f64,
                log: false,
                points: Some(choices.len() as u64),
                categorical: true,
            },
        }
    }

    /// Whether the kernel compares this coordinate by the Hamming distance.
    pub fn is_categorical(&self) -> bool {
        self.categorical
    }

    /// `u ∈ [0, 1]` (the index for a categorical) of a recorded value, `None` when the value
    /// does not fit `d`.
    pub fn normalize(&self, d: &Distribution, value: &ParamValue) -> Option<f64> {
        let x = d.to_internal(value)?;
        if self.categorical {
            return Some(x);
        }
        let t = if self.log { x.ln() } else { x };
        let u = (t / 2.0 - self.lo / 2.0) / (self.hi / 2.0 - self.lo / 2.0);
        u.is_finite().then_some(u.clamp(0.0, 1.0))
    }

    /// The member of `d` nearest to the coordinate value `u` (rounded onto grids and
    /// choices), `None` only for a categorical without choices.
    pub fn unnormalize(&self, d: &Distribution, u: f64) -> Option<ParamValue> {
        if self.categorical {
            return d.value_near(u);
        }
        let t = lerp(self.lo, self.hi, u.clamp(0.0, 1.0));
        let x = if self.log { t.exp() } else { t };
        match *d {
            Distribution::Float {
                low,
                step: Some(s),
                high,
                ..
            } => {
                let k = steps_in(low, x.max(low).min(high), s).round();
                d.value_near(crate::distribution::grid::grid_point(low, k, s))
            }
            _ => d.value_near(x),
        }
    }

    /// The coordinate value of a uniform draw `u ∈ [0, 1)`: the choice index `⌊u·k⌋` of a
    /// categorical with `k` choices, the nearest point of `grid` (from [`Coord::grid`]) when
    /// there is one, `u` itself otherwise.
    pub fn from_unit(&self, u: f64, grid: &[f64]) -> f64 {
        if self.categorical {
            let k = self.points.unwrap_or(1).max(1) as f64;
            return (u * k).floor().clamp(0.0, k - 1.0);
        }
        let Some((&first, rest)) = grid.split_first() else {
            return u;
        };
        rest.iter().fold(first, |best, &g| {
            if (g - u).abs() < (best - u).abs() {
                g
            } else {
                best
            }
        })
    }

    /// The coordinate values of every grid point or choice, when there are at most
    /// [`MAX_EXHAUSTIVE_POINTS`] (in `out`, replaced); `false` otherwise.
    pub fn grid(&self, out: &mut Vec<f64>) -> bool {
        out.clear();
        let Some(n) = self.points.filter(|&n| n as usize <= MAX_EXHAUSTIVE_POINTS) else {
            return false;
        };
        if self.categorical {
            out.extend((0..n).map(|i| i as f64));
        } else if self.log {
            // Log ints: the normalised position of each integer.
            let low = (self.lo.exp() + 0.5).round();
            out.extend((0..n).map(|i| ((low + i as f64).ln() - self.lo) / (self.hi - self.lo)));
        } else {
            out.extend((0..n).map(|i| (i as f64 + 0.5) / n as f64));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_coordinates_round_trip() {
        let d = Distribution::float("x", -5.0, 10.0).unwrap();
        let c = Coord::new(&d);
        assert_eq!(c.normalize(&d, &ParamValue::Float(-5.0)), Some(0.0));
        assert_eq!(c.normalize(&d, &ParamValue::Float(2.5)), Some(0.5));
        assert_eq!(c.unnormalize(&d, 1.0), Some(ParamValue::Float(10.0)));
        let d = Distribution::float_log("lr", 1e-4, 1.0).unwrap();
        let c = Coord::new(&d);
        assert!((c.normalize(&d, &ParamValue::Float(1e-2)).unwrap() - 0.5).abs() < 1e-15);
        let d = Distribution::int("n", 1, 4).unwrap();
        let c = Coord::new(&d);
        assert_eq!(c.normalize(&d, &ParamValue::Int(1)), Some(0.125));
        assert_eq!(c.unnormalize(&d, 0.3), Some(ParamValue::Int(2)));
        let mut g = Vec::new();
        assert!(c.grid(&mut g));
        assert_eq!(g, [0.125, 0.375, 0.625, 0.875]);
        let d = Distribution::float_step("s", 0.0, 1.0, 0.25).unwrap();
        let c = Coord::new(&d);
        assert_eq!(c.unnormalize(&d, 0.45), Some(ParamValue::Float(0.5)));
        let d = Distribution::int_log("u", 8, 512).unwrap();
        let c = Coord::new(&d);
        assert!(!c.grid(&mut g));
        let u = c.normalize(&d, &ParamValue::Int(64)).unwrap();
        assert_eq!(c.unnormalize(&d, u), Some(ParamValue::Int(64)));
        let d = Distribution::int_log("u", 1, 8).unwrap();
        let c = Coord::new(&d);
        assert!(c.grid(&mut g));
        assert_eq!(c.from_unit(0.999, &g), g[7]);
        assert_eq!(c.from_unit(0.0, &g), g[0]);
        for (i, u) in g.iter().enumerate() {
            assert_eq!(c.unnormalize(&d, *u), Some(ParamValue::Int(i as i64 + 1)));
        }
    }

    #[test]
    fn categorical_and_extreme_coordinates() {
        let d = Distribution::categorical("c", vec!["a".into(), "b".into(), 3.into()]).unwrap();
        let c = Coord::new(&d);
        assert!(c.is_categorical());
        assert_eq!(c.normalize(&d, &ParamValue::Int(3)), Some(2.0));
        assert_eq!(c.unnormalize(&d, 1.0), Some(ParamValue::from("b")));
        assert_eq!(
            [
                c.from_unit(0.0, &[]),
                c.from_unit(0.5, &[]),
                c.from_unit(0.99, &[])
            ],
            [0.0, 1.0, 2.0]
        );
        // More choices than an exhaustive grid holds: still every index.
        let many = Distribution::categorical("m", (0..100).map(ParamValue::Int).collect()).unwrap();
        let c = Coord::new(&many);
        assert!(!c.grid(&mut Vec::new()));
        assert_eq!(c.from_unit(0.995, &[]), 99.0);
        let d = Distribution::float("x", -f64::MAX, f64::MAX).unwrap();
        let c = Coord::new(&d);
        assert_eq!(c.normalize(&d, &ParamValue::Float(0.0)), Some(0.5));
        assert_eq!(c.unnormalize(&d, 1.0), Some(ParamValue::Float(f64::MAX)));
        let d = Distribution::int("n", i64::MIN, i64::MAX).unwrap();
        let c = Coord::new(&d);
        assert!(matches!(c.unnormalize(&d, 0.7), Some(ParamValue::Int(_))));
    }
}
