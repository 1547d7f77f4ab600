//! Conversions between [`Tensor`] and [`ndarray`] arrays (feature `ndarray`).
//!
//! | from | to | how |
//! |---|---|---|
//! | `Array<f32, D>` (any rank, any layout) | `Tensor` | `TryFrom`: rank 1 to 4; the buffer is moved when it is already row-major and unsliced, copied otherwise |
//! | `ArrayView<f32, D>` | `Tensor` | `TryFrom`: as above, always a copy |
//! | `Tensor` | `ArrayD<f32>` | `From`: the buffer is moved |
//! | `Tensor` | `Array1` … `Array4` of `f32` | `TryFrom`: the tensor's rank must match |
//!
//! ```
//! use gradus_tensor::Tensor;
//! use ndarray::{Array2, ArrayD, array};
//! let t = Tensor::try_from(array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]]).unwrap();
//! assert_eq!(t.dims(), &[2, 3]);
//! assert_eq!(t.row(1), &[4.0, 5.0, 6.0]);
//! // A transposed (column-major) view is copied in logical order.
//! let tt = Tensor::try_from(array![[1.0f32, 2.0], [3.0, 4.0]].t()).unwrap();
//! assert_eq!(tt.data(), &[1.0, 3.0, 2.0, 4.0]);
//! let back: Array2<f32> = Array2::try_from(t.clone()).unwrap();
//! assert_eq!(back, array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
//! let dynamic: ArrayD<f32> = t.into();
//! assert_eq!(dynamic.shape(), &[2, 3]);
//! ```

use ndarray::{Array, ArrayD, ArrayView, Dimension, IxDyn};

use crate::{Error, Tensor};

impl<D: Dimension> TryFrom<Array<f32, D>> for Tensor {
    type Error = Error;

    /// The array as a tensor of the same shape, moving the buffer when the array is in
    /// standard (row-major) layout.
    ///
    /// # Errors
    /// [`Error::Rank`] for a rank outside 1..=4 (a 0-D array is rank 0).
    fn try_from(array: Array<f32, D>) -> Result<Tensor, Error> {
        let dims = array.shape().to_vec();
        if array.is_standard_layout() {
            let len = array.len();
            let (mut data, offset) = array.into_raw_vec_and_offset();
            // A standard-layout array is contiguous from its offset on; a sliced owned
            // array may keep values before and after it.
            let start = offset.unwrap_or(0).min(data.len());
            data.truncate(start + len);
            data.drain(..start);
            Tensor::from_vec(data, &dims)
        } else {
            Tensor::from_vec(array.iter().copied().collect(), &dims)
        }
    }
}

impl<D: Dimension> TryFrom<ArrayView<'_, f32, D>> for Tensor {
    type Error = Error;

    /// A copy of the view, in its logical (row-major) order.
    ///
    /// # Errors
    /// [`Error::Rank`] for a rank outside 1..=4.
    fn try_from(view: ArrayView<'_, f32, D>) -> Result<Tensor, Error> {
        Tensor::from_vec(view.iter().copied().collect(), view.shape())
    }
}

impl From<Tensor> for ArrayD<f32> {
    /// The tensor as a dynamic-rank array of the same shape; the buffer is moved.
    fn from(t: Tensor) -> ArrayD<f32> {
        let dims = t.dims().to_vec();
        let data = t.into_vec();
        // A tensor's buffer holds exactly the product of its dimensions.
        Array::from_shape_vec(IxDyn(&dims), data).expect("a tensor's buffer fills its shape")
    }
}

macro_rules! tensor_to_fixed_rank {
    ($($array:ident => $rank:literal),*) => {$(
        impl TryFrom<Tensor> for ndarray::$array<f32> {
            type Error = Error;

            /// The tensor as an array of this rank; the buffer is moved.
            ///
            /// # Errors
            /// [`Error::Invalid`] when the tensor's rank differs.
            fn try_from(t: Tensor) -> Result<ndarray::$array<f32>, Error> {
                if t.dims().len() != $rank {
                    return Err(Error::Invalid {
                        what: "tensor rank",
                        value: format!("{} (shape {:?})", t.dims().len(), t.dims()),
                        expected: format!(
                            "rank {} for {}; convert to ArrayD<f32> for any rank",
                            $rank,
                            stringify!($array)
                        ),
                    });
                }
                ArrayD::from(t)
                    .into_dimensionality()
                    .map_err(|e| Error::Invalid {
                        what: "tensor rank",
                        value: e.to_string(),
                        expected: format!("rank {}", $rank),
                    })
            }
        }
    )*};
}
tensor_to_fixed_rank!(Array1 => 1, Array2 => 2, Array3 => 3, Array4 => 4);

#[cfg(test)]
mod tests {
    use ndarray::{Array2, Array3, ArrayD, Axis, IxDyn, array, s};

    use crate::{Error, Tensor};

    #[test]
    fn round_trips_keep_shape_and_values() {
        let a = Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 100 + j * 10 + k) as f32);
        let t = Tensor::try_from(a.clone()).unwrap();
        assert_eq!(t.dims(), &[2, 3, 4]);
        assert_eq!(t.data()[23], 123.0);
        assert_eq!(t.row(1)[5], 111.0);
        let back = Array3::<f32>::try_from(t.clone()).unwrap();
        assert_eq!(back, a);
        let d = ArrayD::from(t);
        assert_eq!(d.shape(), &[2, 3, 4]);
        assert_eq!(d[[1, 2, 3]], 123.0);
        assert_eq!(Tensor::try_from(d).unwrap().data()[0], 0.0);
    }

    #[test]
    fn non_standard_layouts_are_copied_in_logical_order() {
        let a = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
        // Transposed: column-major.
        let t = Tensor::try_from(a.t().to_owned()).unwrap();
        assert_eq!(t.dims(), &[3, 2]);
        assert_eq!(t.data(), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        let t = Tensor::try_from(a.t()).unwrap();
        assert_eq!(t.data(), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        // An owned array sliced in place keeps its whole buffer with an offset.
        let mut b = Array2::from_shape_fn((4, 3), |(i, j)| (i * 3 + j) as f32);
        b.slice_collapse(s![1..3, ..]);
        assert!(b.is_standard_layout());
        assert_eq!(
            Tensor::try_from(b).unwrap().data(),
            &[3., 4., 5., 6., 7., 8.]
        );
        // Strided columns.
        let c = Array2::from_shape_fn((2, 4), |(i, j)| (i * 4 + j) as f32);
        let t = Tensor::try_from(c.slice(s![.., ..;2])).unwrap();
        assert_eq!(t.data(), &[0.0, 2.0, 4.0, 6.0]);
        let t = Tensor::try_from(c.index_axis(Axis(0), 1)).unwrap();
        assert_eq!((t.dims(), t.data()), (&[4][..], &[4.0, 5.0, 6.0, 7.0][..]));
    }

    #[test]
    fn bad_ranks_are_errors() {
        let scalar = ArrayD::from_elem(IxDyn(&[]), 1.0f32);
        assert!(matches!(
            Tensor::try_from(scalar),
            Err(Error::Rank { rank: 0, .. })
        ));
        let five = ArrayD::<f32>::zeros(IxDyn(&[1, 1, 1, 1, 2]));
        assert!(matches!(
            Tensor::try_from(five),
            Err(Error::Rank { rank: 5, .. })
        ));
        let t = Tensor::zeros(&[2, 3]);
        let e = Array3::<f32>::try_from(t).unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid tensor rank = 2 (shape [2, 3]): rank 3 for Array3; convert to ArrayD<f32> \
             for any rank"
        );
        // Zero-length dimensions are kept.
        let empty = Tensor::try_from(Array2::<f32>::zeros((0, 3))).unwrap();
        assert_eq!(empty.dims(), &[0, 3]);
        assert_eq!(ArrayD::from(empty).shape(), &[0, 3]);
    }
}
