//! Column statistics and element maps shared by the scalers.

use gradus_tensor::Tensor;

use crate::{Error, Result};

/// Per-column statistics of a fit set, in `f64`.
#[derive(Debug)]
pub(crate) struct ColumnStats {
    pub mean: Vec<f64>,
    /// Population variance (`ddof = 0`).
    pub var: Vec<f64>,
    pub min: Vec<f64>,
    pub max: Vec<f64>,
}

/// Mean, population variance, minimum and maximum of every column of `x` (viewed as
/// rows × row_len).
///
/// The variance uses scikit-learn's corrected two-pass formula,
/// `(Σ(x − m)² − (Σ(x − m))² / n) / n`, with `f64` accumulators.
pub(crate) fn column_stats(what: &'static str, x: &Tensor) -> Result<ColumnStats> {
    let (n, d) = (x.rows(), x.row_len());
    if n == 0 {
        return Err(Error::NoData { what });
    }
    if let Some(i) = x.first_non_finite() {
        return Err(Error::NonFiniteValue {
            what,
            row: i / d,
            column: i % d,
            value: x.data()[i],
        });
    }
    let mut sum = vec![0.0f64; d];
    let mut min = vec![f64::INFINITY; d];
    let mut max = vec![f64::NEG_INFINITY; d];
    for r in 0..n {
        for (c, &v) in x.row(r).iter().enumerate() {
            let v = f64::from(v);
            sum[c] += v;
            min[c] = min[c].min(v);
            max[c] = max[c].max(v);
        }
    }
    let nf = n as f64;
    let mean: Vec<f64> = sum.iter().map(|s| s / nf).collect();
    let mut dev = vec![0.0f64; d];
    let mut sq = vec![0.0f64; d];
    for r in 0..n {
        for (c, &v) in x.row(r).iter().enumerate() {
            let t = f64::from(v) - mean[c];
            dev[c] += t;
            sq[c] += t * t;
        }
    }
    let var = sq
        .iter()
        .zip(&dev)
        .map(|(s, e)| ((s - e * e / nf) / nf).max(0.0))
        .collect();
    Ok(ColumnStats {
        mean,
        var,
        min,
        max,
    })
}

/// Checks that `x` has the `expected` number of columns.
pub(crate) fn check_columns(what: &'static str, expected: usize, x: &Tensor) -> Result<()> {
    if x.row_len() != expected {
        return Err(Error::ColumnMismatch {
            what,
            expected,
            got: x.row_len(),
        });
    }
    Ok(())
}

/// Replaces every value `v` in column `c` by `f(c, v)`, computed in `f64`.
///
/// NaN stays NaN (scikit-learn's scalers pass missing values through). A finite value whose
/// image is beyond the `f32` range is [`Error::ScaledOutOfRange`], not a silent infinity;
/// `x` is then partly mapped.
pub(crate) fn map_columns(
    what: &'static str,
    x: &mut Tensor,
    f: impl Fn(usize, f64) -> f64,
) -> Result<()> {
    let d = x.row_len().max(1);
    for (r, row) in x.data_mut().chunks_exact_mut(d).enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            let mapped = f(c, f64::from(*v)) as f32;
            if v.is_finite() && !mapped.is_finite() {
                return Err(Error::ScaledOutOfRange {
                    what,
                    row: r,
                    column: c,
                    value: *v,
                });
            }
            *v = mapped;
        }
    }
    Ok(())
}

/// Checks a statistic of a deserialized scaler: every entry finite (and positive when
/// `positive`); the message names the entry and says to refit.
pub(crate) fn check_saved(
    what: &str,
    field: &str,
    values: &[f64],
    positive: bool,
) -> Result<(), String> {
    let bad = |v: f64| !v.is_finite() || (positive && v <= 0.0);
    match values.iter().position(|&v| bad(v)) {
        Some(i) => Err(format!(
            "{what}: {field}[{i}] is {}, but every {field} must be {}; the saved scaler was \
             edited or corrupted: fit it again",
            values[i],
            if positive {
                "finite and positive"
            } else {
                "finite"
            }
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // numpy: X = np.array([[1, -2], [3, -2], [8, -2]], dtype=np.float32)
    // X.mean(0) → [4, -2]; X.var(0) → [8.666667, 0]
    #[test]
    fn stats_and_errors() {
        let x = Tensor::from_rows(&[vec![1.0, -2.0], vec![3.0, -2.0], vec![8.0, -2.0]]).unwrap();
        let s = column_stats("t", &x).unwrap();
        assert_eq!(s.mean, [4.0, -2.0]);
        assert!((s.var[0] - 26.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.var[1], 0.0);
        assert_eq!((s.min[0], s.max[0]), (1.0, 8.0));
        let e = column_stats("t", &Tensor::zeros(&[0, 2])).unwrap_err();
        assert_eq!(e.to_string(), "t needs at least one row to fit");
        let nan = Tensor::from_rows(&[vec![1.0, 2.0], vec![3.0, f32::NAN]]).unwrap();
        let e = column_stats("t", &nan).unwrap_err().to_string();
        assert_eq!(
            e,
            "t: row 1, column 1 is NaN; clean non-finite values before fitting"
        );
        let e = check_columns("t", 3, &x).unwrap_err().to_string();
        assert!(e.contains("fitted on 3 columns but got 2"), "{e}");
    }

    #[test]
    fn mapping_keeps_nan_and_refuses_overflow() {
        let mut x = Tensor::from_rows(&[vec![1.0, f32::NAN], vec![-4.0, 2.0]]).unwrap();
        map_columns("t", &mut x, |c, v| v * [2.0, 3.0][c]).unwrap();
        assert_eq!(x.data()[0], 2.0);
        assert!(x.data()[1].is_nan());
        assert_eq!(x.data()[2..], [-8.0, 6.0]);
        let mut big = Tensor::column(&[1.0, 3e38]);
        let e = map_columns("t", &mut big, |_, v| v * 2.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t: row 1, column 0 holds 300000000000000000000000000000000000000, which maps \
             beyond the 32-bit float range (±3.4e38); it lies far outside the data the scaler \
             was fitted on: check the value, or fit on data that covers it"
        );
        assert_eq!(check_saved("S", "scale", &[1.0, 2.0], true), Ok(()));
        assert_eq!(
            check_saved("S", "scale", &[1.0, 0.0], true).unwrap_err(),
            "S: scale[1] is 0, but every scale must be finite and positive; the saved scaler \
             was edited or corrupted: fit it again"
        );
        assert!(check_saved("S", "mean", &[-1.0, f64::NAN], false).is_err());
    }
}
