//! One-hot encoding of class ids ([`one_hot`], like `keras.utils.to_categorical`) and its
//! inverse ([`decode_one_hot`], an argmax per row).

use gradus_tensor::Tensor;

use crate::{Error, Result};

/// Largest one-hot matrix built (2³¹ values, 8 GiB): a label such as `1e9` is a data error,
/// not a request for a billion classes.
const MAX_VALUES: usize = 1 << 31;

/// Encodes integer class ids as one-hot rows: row `i` of the `n × num_classes` result is 1 at
/// column `labels[i]` and 0 elsewhere.
///
/// `labels` holds one id per row (shape `[n]` or `[n, 1]`, as loaded from CSV). Without
/// `num_classes` the number of classes is `max(label) + 1`, as Keras' `to_categorical`.
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
/// row of a negative, fractional or non-finite label, or of one `≥ num_classes`;
/// [`Error::InvalidOption`] for `num_classes = Some(0)` or no labels without `num_classes`.
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
        ids.push(value as usize);
    }
    let k = match num_classes {
        Some(0) => {
            return Err(Error::InvalidOption(
                "one_hot: num_classes must be at least 1".to_owned(),
            ));
        }
        Some(k) => k,
        None => match ids.iter().max() {
            Some(&m) => m + 1,
            None => {
                return Err(Error::InvalidOption(
                    "one_hot: there are no labels to infer num_classes from; pass Some(k)"
                        .to_owned(),
                ));
            }
        },
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
    if ids.len().checked_mul(k).is_none_or(|len| len > MAX_VALUES) {
        return Err(Error::InvalidOption(format!(
            "one_hot: {} rows × {k} classes is more than {MAX_VALUES} values; class ids must \
             be 0..k-1 for a modest k (check for ids that are not class numbers)",
            ids.len()
        )));
    }
    let mut out = Tensor::zeros(&[ids.len(), k]);
    for (row, &id) in ids.iter().enumerate() {
        out.row_mut(row)[id] = 1.0;
    }
    Ok(out)
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
/// [`Error::InvalidOption`] for rows with no columns.
pub fn decode_one_hot(scores: &Tensor) -> Result<Tensor> {
    if scores.row_len() == 0 {
        return Err(Error::InvalidOption(format!(
            "decode_one_hot: rows of shape {:?} have no columns to take the argmax of",
            scores.dims()
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
        check(
            &[0.0, 3e9],
            None,
            "one_hot: 2 rows × 3000000001 classes is more than",
        );
        let e = one_hot(&Tensor::zeros(&[2, 3]), None).unwrap_err();
        assert!(matches!(e, Error::LabelShape { ref dims } if dims == &[2, 3]));
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
