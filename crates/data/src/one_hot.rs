//! One-hot encoding of class ids ([`one_hot`], like `keras.utils.to_categorical`) and its
//! inverse ([`decode_one_hot`], an argmax per row).

use gradus_tensor::Tensor;

use crate::alloc::try_filled;
use crate::{Error, Result};

/// Most values in a one-hot matrix (2³¹, 8 GiB of `f32`), even with an explicit
/// `num_classes`.
const MAX_VALUES: usize = 1 << 31;

/// Without `num_classes`, the largest label may imply at most `max(rows, MIN_CLASS_BOUND)`
/// classes: a small batch of a 1000-class problem is fine, a stray `1e9` (an id or a
/// regression target in the label column) is a data error, not a billion classes.
const MIN_CLASS_BOUND: usize = 1 << 16;

/// Most classes [`decode_one_hot`] returns: `f32` holds every integer up to 2²⁴ exactly.
const MAX_DECODED_CLASSES: usize = 1 << 24;

/// Encodes integer class ids as one-hot rows: row `i` of the `n × num_classes` result is 1 at
/// column `labels[i]` and 0 elsewhere.
///
/// `labels` holds one id per row (shape `[n]` or `[n, 1]`, as loaded from CSV). Without
/// `num_classes` the number of classes is `max(label) + 1`, as Keras' `to_categorical`, but
/// at most `max(n, 65536)`: a larger label is reported as a data error (pass `num_classes`
/// when there really are that many classes). The result holds at most 2³¹ values.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::one_hot;
/// use gradus_tensor::Tensor;
/// // keras.utils.to_categorical([0, 2, 1]) → [[1,0,0],[0,0,1],[0,1,0]]
/// let y = one_hot(&Tensor::column(&[0.0, 2.0, 1.0]), None)?;
/// assert_eq!(y.dims(), &[3, 3]);
/// assert_eq!(y.data(), &[1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
/// assert_eq!(one_hot(&Tensor::column(&[1.0]), Some(4))?.data(), &[0.0, 1.0, 0.0, 0.0]);
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::LabelShape`] unless there is one label per row; [`Error::InvalidLabel`] naming the
/// row of a negative, fractional or non-finite label, of one `≥ num_classes`, or (without
/// `num_classes`) of a label implying more than `max(n, 65536)` classes;
/// [`Error::InvalidOption`] for `num_classes = Some(0)`, no labels without `num_classes`, or
/// more than 2³¹ values; [`Error::TooLarge`] when the result does not fit in memory.
pub fn one_hot(labels: &Tensor, num_classes: Option<usize>) -> Result<Tensor> {
    if labels.dims().len() > 2 || labels.row_len() != 1 {
        return Err(Error::LabelShape {
            dims: labels.dims().to_vec(),
        });
    }
    let mut ids = Vec::with_capacity(labels.len());
    for (row, &value) in labels.data().iter().enumerate() {
        let invalid = |reason: &str| Error::InvalidLabel {
            row,
            value,
            reason: reason.to_owned(),
        };
        if !value.is_finite() {
            return Err(invalid("class ids must be finite integers"));
        }
        if value.fract() != 0.0 {
            return Err(invalid(
                "class ids must be whole numbers 0, 1, 2, …; round or encode the labels",
            ));
        }
        if value < 0.0 {
            return Err(invalid(
                "class ids must be 0 or more; shift the labels so the first class is 0",
            ));
        }
        // Whole and non-negative; ids beyond `usize` saturate and are caught below.
        ids.push(value as usize);
    }
    let n = ids.len();
    let k = match num_classes {
        Some(0) => {
            return Err(Error::InvalidOption(
                "one_hot: num_classes must be at least 1".to_owned(),
            ));
        }
        Some(k) => k,
        None => inferred_classes(&ids, labels.data())?,
    };
    if let Some(row) = ids.iter().position(|&id| id >= k) {
        return Err(Error::InvalidLabel {
            row,
            value: labels.data()[row],
            reason: format!(
                "class ids must be below num_classes = {k}; raise num_classes or fix the label"
            ),
        });
    }
    let Some(len) = crate::alloc::product_within(n, k, MAX_VALUES) else {
        return Err(Error::InvalidOption(format!(
            "one_hot: {n} rows × {k} classes is more than {MAX_VALUES} values; encode fewer \
             rows at a time, or check that num_classes is the real number of classes"
        )));
    };
    let mut data = try_filled(
        len,
        0.0f32,
        || format!("one_hot: a {n} × {k} matrix"),
        "encode fewer rows at a time",
    )?;
    for (row, &id) in ids.iter().enumerate() {
        data[row * k + id] = 1.0;
    }
    Ok(Tensor::from_vec(data, &[n, k])?)
}

/// `max(id) + 1`, unless the largest label implies more than `max(n, MIN_CLASS_BOUND)`
/// classes (reported at its first row).
fn inferred_classes(ids: &[usize], labels: &[f32]) -> Result<usize> {
    let Some((row, &max)) = ids.iter().enumerate().rev().max_by_key(|&(_, id)| id) else {
        return Err(Error::InvalidOption(
            "one_hot: there are no labels to infer num_classes from; pass Some(k)".to_owned(),
        ));
    };
    let n = ids.len();
    match max.checked_add(1) {
        Some(k) if k <= n.max(MIN_CLASS_BOUND) => Ok(k),
        _ => Err(Error::InvalidLabel {
            row,
            value: labels[row],
            reason: format!(
                "as the largest label it implies {} classes for {n} rows, more than one_hot \
                 infers (at most max(rows, {MIN_CLASS_BOUND})); fix this label if it is not a \
                 class id, or pass num_classes = Some(k) if there really are that many classes",
                f64::from(labels[row]) + 1.0
            ),
        }),
    }
}

/// Decodes one-hot rows or class scores (probabilities, logits) to class ids: an `n × 1`
/// column holding the index of each row's largest value (the first one on ties, as numpy's
/// `argmax`).
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::{decode_one_hot, one_hot};
/// use gradus_tensor::Tensor;
/// let probs = Tensor::from_rows(&[vec![0.1, 0.7, 0.2], vec![0.5, 0.5, 0.0]])?;
/// assert_eq!(decode_one_hot(&probs)?.data(), &[1.0, 0.0]);
/// let y = Tensor::column(&[2.0, 0.0, 1.0]);
/// assert_eq!(decode_one_hot(&one_hot(&y, None)?)?, y);
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::InvalidOption`] for rows with no columns, or more than 2²⁴ columns (class ids
/// beyond that are not exact in `f32`).
pub fn decode_one_hot(scores: &Tensor) -> Result<Tensor> {
    if scores.row_len() == 0 {
        return Err(Error::InvalidOption(format!(
            "decode_one_hot: rows of shape {:?} have no columns to take the argmax of",
            scores.dims()
        )));
    }
    if scores.row_len() > MAX_DECODED_CLASSES {
        return Err(Error::InvalidOption(format!(
            "decode_one_hot: rows of {} columns would give class ids above \
             {MAX_DECODED_CLASSES}, which f32 cannot hold exactly; decode at most \
             {MAX_DECODED_CLASSES} classes",
            scores.row_len()
        )));
    }
    let ids: Vec<f32> = (0..scores.rows())
        .map(|r| {
            let row = scores.row(r);
            let mut best = 0;
            for (i, &v) in row.iter().enumerate() {
                // NaN wins and stays, as numpy's argmax.
                if v > row[best] || (v.is_nan() && !row[best].is_nan()) {
                    best = i;
                }
            }
            best as f32
        })
        .collect();
    Ok(Tensor::column(&ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_labels_name_the_row() {
        let check = |labels: &[f32], k: Option<usize>, want: &str| {
            let e = one_hot(&Tensor::column(labels), k).unwrap_err().to_string();
            assert!(e.starts_with(want), "{e}");
        };
        check(
            &[0.0, 1.0, -1.0],
            None,
            "label at row 2 is -1: class ids must be 0 or more",
        );
        check(
            &[0.0, 1.5],
            None,
            "label at row 1 is 1.5: class ids must be whole numbers",
        );
        check(
            &[f32::NAN],
            None,
            "label at row 0 is NaN: class ids must be finite",
        );
        check(
            &[0.0, 3.0, 1.0],
            Some(3),
            "label at row 1 is 3: class ids must be below num_classes = 3",
        );
        check(&[0.0], Some(0), "one_hot: num_classes must be at least 1");
        check(&[], None, "one_hot: there are no labels");

        let e = one_hot(&Tensor::zeros(&[2, 3]), None).unwrap_err();
        assert!(matches!(e, Error::LabelShape { ref dims } if dims == &[2, 3]));
    }

    #[test]
    fn an_outlier_label_is_an_error_not_a_billion_classes() {
        // Before: a 2 × 1000000001 matrix (7.5 GiB) was allocated without complaint.
        let e = one_hot(&Tensor::column(&[0.0, 1e9, 2.0]), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "label at row 1 is 1000000000: as the largest label it implies 1000000001 classes \
             for 3 rows, more than one_hot infers (at most max(rows, 65536)); fix this label \
             if it is not a class id, or pass num_classes = Some(k) if there really are that \
             many classes"
        );
        // The first row holding the largest label; labels beyond usize do not overflow.
        for huge in [3e9, 1e20, f32::MAX] {
            let e = one_hot(&Tensor::column(&[huge, 1.0, huge]), None).unwrap_err();
            assert!(matches!(e, Error::InvalidLabel { row: 0, .. }), "{e}");
        }
        // Up to 65536 classes are inferred whatever the row count; beyond, one per row.
        assert_eq!(
            one_hot(&Tensor::column(&[65535.0]), None).unwrap().dims(),
            &[1, 65536]
        );
        assert!(one_hot(&Tensor::column(&[65536.0]), None).is_err());
        let many: Vec<f32> = (0..70_000).rev().map(|i| i as f32).collect();
        assert_eq!(
            one_hot(&Tensor::column(&many[..2]), Some(70_000))
                .unwrap()
                .dims(),
            &[2, 70_000]
        );
        // A small batch of a 10-class problem keeps its 10 classes, as to_categorical.
        let y = one_hot(&Tensor::column(&[9.0, 2.0, 5.0]), None).unwrap();
        assert_eq!(y.dims(), &[3, 10]);
        assert_eq!(y.row(0)[9], 1.0);
    }

    #[test]
    fn sizes_beyond_the_bound_are_errors_not_aborts() {
        let e = one_hot(&Tensor::column(&[0.0, 1.0]), Some(usize::MAX)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "one_hot: 2 rows × 18446744073709551615 classes is more than 2147483648 values; \
             encode fewer rows at a time, or check that num_classes is the real number of \
             classes"
        );
        let e = one_hot(&Tensor::column(&[0.0; 3]), Some(1 << 30)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("one_hot: 3 rows × 1073741824 classes")
        );
        // No rows: an empty matrix, unless num_classes is beyond any tensor's row length.
        let empty = Tensor::from_vec(vec![], &[0]).unwrap();
        assert_eq!(one_hot(&empty, Some(7)).unwrap().dims(), &[0, 7]);
        assert!(one_hot(&empty, Some(usize::MAX)).is_err());
        let e = decode_one_hot(&Tensor::zeros(&[0, (1 << 24) + 1])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "decode_one_hot: rows of 16777217 columns would give class ids above 16777216, \
             which f32 cannot hold exactly; decode at most 16777216 classes"
        );
    }

    #[test]
    fn rank_one_labels_and_argmax_ties() {
        let y = Tensor::from_vec(vec![1.0, 0.0], &[2]).unwrap();
        assert_eq!(one_hot(&y, None).unwrap().data(), &[0.0, 1.0, 1.0, 0.0]);
        let s = Tensor::from_rows(&[vec![-3.0, -1.0, -1.0], vec![2.0, f32::NAN, 5.0]]).unwrap();
        // numpy: np.argmax([[-3, -1, -1], [2, nan, 5]], axis=1) → [1, 1]
        assert_eq!(decode_one_hot(&s).unwrap().data(), &[1.0, 1.0]);
        assert!(decode_one_hot(&Tensor::zeros(&[2, 0])).is_err());
    }
}
