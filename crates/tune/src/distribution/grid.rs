//! Overflow-safe arithmetic on numeric ranges and their step grids.
//!
//! Bounds may lie anywhere in `[−f64::MAX, f64::MAX]` or `[i64::MIN, i64::MAX]`: the width
//! `high − low` of a float range may overflow to ∞, and that of an int range may not fit an
//! `i64`. The float helpers use the plain formula whenever it is finite (so ordinary ranges give
//! the very same bits as before) and fall back to halves, `high − low = 2·(high/2 − low/2)`,
//! otherwise; the int helpers work in `i128`, where every width fits.

/// The most points a stepped float range may have: 2^53, beyond which `low + k·step` can no
/// longer tell neighbouring `k` apart.
pub(crate) const MAX_FLOAT_STEPS: f64 = 9_007_199_254_740_992.0;

/// `(high − low) / step`, also when `high − low` overflows.
pub(crate) fn steps_in(low: f64, high: f64, step: f64) -> f64 {
    let width = high - low;
    if width.is_finite() {
        width / step
    } else {
        2.0 * ((high / 2.0 - low / 2.0) / step)
    }
}

/// `low + k·step`, also when the product or the sum overflows on the way to a finite result.
pub(crate) fn grid_point(low: f64, k: f64, step: f64) -> f64 {
    let x = low + k * step;
    if x.is_finite() {
        x
    } else {
        2.0 * (low / 2.0 + k * (step / 2.0))
    }
}

/// `low + u·(high − low)` for `u ∈ [0, 1]`, also when `high − low` overflows.
pub(crate) fn lerp(low: f64, high: f64, u: f64) -> f64 {
    let width = high - low;
    if width.is_finite() {
        low + u * width
    } else {
        2.0 * (low / 2.0 + u * (high / 2.0 - low / 2.0))
    }
}

/// The last index `n` of the int grid `low + k·step ≤ high` (`low ≤ high`, `step ≥ 1`):
/// `⌊(high − low) / step⌋`, at most `2^64 − 1`.
pub(crate) fn int_steps(low: i64, high: i64, step: i64) -> u64 {
    let n = (i128::from(high) - i128::from(low)) / i128::from(step.max(1));
    u64::try_from(n.max(0)).unwrap_or(u64::MAX)
}

/// `low + k·step`, saturated into `i64` (exact for `k ≤ int_steps(low, high, step)`).
pub(crate) fn int_grid_point(low: i64, k: u64, step: i64) -> i64 {
    let x = i128::from(low) + i128::from(k) * i128::from(step);
    i64::try_from(x).unwrap_or(if x < 0 { i64::MIN } else { i64::MAX })
}

/// Whether `v` is a point of the int grid `low + k·step ≤ high`, in exact arithmetic.
pub(crate) fn int_on_grid(low: i64, high: i64, step: i64, v: i64) -> bool {
    low <= v && v <= high && (i128::from(v) - i128::from(low)) % i128::from(step.max(1)) == 0
}

/// The point of the int grid `low + k·step ≤ high` nearest to the float `x` (halves round up,
/// NaN gives `low`), in exact integer arithmetic — also beyond 2^53, where `f64` arithmetic
/// would leave the grid.
pub(crate) fn nearest_int_on_grid(low: i64, high: i64, step: i64, x: f64) -> i64 {
    if x.is_nan() {
        return low;
    }
    // `as` saturates at the i128 range; clamping into [low, high] keeps differences below 2^64.
    let v = (x.round() as i128)
        .max(i128::from(low))
        .min(i128::from(high));
    let step = i128::from(step.max(1));
    let k = (v - i128::from(low) + step / 2) / step;
    let k = k.min(i128::from(int_steps(low, high, step as i64)));
    int_grid_point(low, k as u64, step as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distribution::Distribution;

    #[test]
    fn float_helpers_are_the_plain_formulas_when_those_are_finite() {
        assert_eq!(steps_in(0.0, 1.0, 0.25), 4.0);
        assert_eq!(grid_point(0.1, 3.0, 0.2), 0.1 + 3.0 * 0.2);
        assert_eq!(lerp(-2.0, 2.0, 0.75), 1.0);
        // The whole float line: width 2·MAX overflows, the halves do not.
        assert_eq!(steps_in(-f64::MAX, f64::MAX, f64::MAX), 2.0);
        assert_eq!(grid_point(-f64::MAX, 2.0, f64::MAX), f64::MAX);
        assert_eq!(lerp(-f64::MAX, f64::MAX, 0.5), 0.0);
        assert_eq!(lerp(-f64::MAX, f64::MAX, 1.0), f64::MAX);
    }

    #[test]
    fn int_helpers_are_exact_over_the_whole_i64_range() {
        assert_eq!(int_steps(i64::MIN, i64::MAX, 1), u64::MAX);
        assert_eq!(int_steps(-5, 5, 3), 3);
        assert_eq!(int_grid_point(i64::MIN, u64::MAX, 1), i64::MAX);
        assert!(int_on_grid(1, i64::MAX, 2, (1 << 62) + 1));
        assert!(!int_on_grid(1, i64::MAX, 2, 1 << 62));
        // 2^62 + 1 is no f64; the nearest grid point of 1 + 2k to the float 2^62 is 2^62 + 1.
        assert_eq!(
            nearest_int_on_grid(1, i64::MAX, 2, (1u64 << 62) as f64),
            (1 << 62) + 1
        );
        assert_eq!(nearest_int_on_grid(0, 9, 3, 4.4), 3);
        assert_eq!(nearest_int_on_grid(0, 10, 3, 1e300), 9);
        assert_eq!(nearest_int_on_grid(-3, 3, 1, f64::NEG_INFINITY), -3);
        assert_eq!(nearest_int_on_grid(1, i64::MAX, 1, 2f64.powi(63)), i64::MAX);
    }

    // Found by tests/hostile.rs. A range lowered to low + step must validate again, although
    // (low + step) − low may round to just below step.
    #[test]
    fn a_lowered_range_validates_again() {
        let (low, step) = (-6.908623451483822, 2.6929957735047014);
        let d = Distribution::float_step("x", low, -4.04873076899162, step).unwrap();
        assert_eq!(d.validate("x").map_err(|e| e.to_string()), Ok(()));
    }

    // Found by tests/hostile.rs. An absolute tolerance of 1e-9 kept an off-grid high for
    // ranges narrower than that: [0, 1e-10] step 3e-11 must end at 9e-11.
    #[test]
    fn tiny_stepped_ranges_are_lowered_to_their_grid() {
        let d = Distribution::float_step("x", 0.0, 1e-10, 3e-11).unwrap();
        let Distribution::Float { high, .. } = d else {
            unreachable!()
        };
        assert!((high - 9e-11).abs() < 1e-25, "{high}");
        assert!(d.contains(high) && d.contains(3e-11) && !d.contains(1e-10));
    }

    // Found by tests/hostile.rs. Far from low, x = low + k·step carries a rounding error of
    // more than 1e-8 steps: 96118588 steps of 1e300 must still count as on the grid.
    #[test]
    fn membership_tolerates_the_rounding_of_far_grid_points() {
        let d = Distribution::float_step("x", 0.0, f64::MAX, 1e300).unwrap();
        let x = 96118588.0 * 1e300;
        assert!(d.contains(x) && !d.contains(x + 0.5e300));
    }
}
