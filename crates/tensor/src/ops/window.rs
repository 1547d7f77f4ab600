//! [`Window2d`]: where a sliding 2-D window — a convolution kernel or a pooling window —
//! falls on an image, with Keras's (TensorFlow's) `valid` and `same` [`Padding`].
//!
//! Every size is checked once, here, with checked arithmetic: the convolution and pooling
//! kernels take a `Window2d` and index with products that are known to fit.

use serde::{Deserialize, Serialize};

use crate::{Error, Tensor};

/// How a sliding window treats the image border, as Keras's `padding` argument.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Padding {
    /// No padding: the window only visits positions where it fits entirely;
    /// `out = ⌊(in − extent) / stride⌋ + 1`.
    #[default]
    Valid,
    /// Pad so that `out = ⌈in / stride⌉`. The padding needed,
    /// `max((out − 1)·stride + extent − in, 0)`, is split with the smaller half before
    /// (top, left) and the extra one after (bottom, right), as TensorFlow does.
    Same,
}

/// The placement of a `kernel[0] × kernel[1]` window, dilated by `dilation` and moved by
/// `strides`, over an `input[0] × input[1]` image (height, width).
///
/// The dilated window spans `extent = (kernel − 1)·dilation + 1` pixels per axis. Output
/// pixel `(oh, ow)` reads input pixels `(oh·stride_h + i·dilation_h − pad_before[0],
/// ow·stride_w + j·dilation_w − pad_before[1])` for `i < kernel[0]`, `j < kernel[1]`;
/// pixels outside the image are padding (zero for a convolution, ignored by pooling).
///
/// ```
/// use gradus_tensor::ops::{Padding, Window2d};
/// // Keras "same" with an even kernel pads asymmetrically: 0 before, 1 after.
/// let w = Window2d::new([5, 6], [2, 2], [2, 2], [1, 1], Padding::Same).unwrap();
/// assert_eq!((w.output(), w.pad_before()), ([3, 3], [0, 0]));
/// let w = Window2d::new([28, 28], [3, 3], [1, 1], [1, 1], Padding::Valid).unwrap();
/// assert_eq!(w.output(), [26, 26]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window2d {
    input: [usize; 2],
    kernel: [usize; 2],
    strides: [usize; 2],
    dilation: [usize; 2],
    output: [usize; 2],
    pad_before: [usize; 2],
}

impl Window2d {
    /// The window's placement; every size and product it implies fits in
    /// [`Tensor::MAX_ALLOC`].
    ///
    /// # Errors
    /// [`Error::Invalid`] for a zero input, kernel, stride or dilation, a dilated kernel
    /// larger than the input with [`Padding::Valid`], or sizes beyond
    /// [`Tensor::MAX_ALLOC`].
    pub fn new(
        input: [usize; 2],
        kernel: [usize; 2],
        strides: [usize; 2],
        dilation: [usize; 2],
        padding: Padding,
    ) -> Result<Window2d, Error> {
        for (what, v) in [
            ("input size", input),
            ("kernel size", kernel),
            ("strides", strides),
            ("dilation", dilation),
        ] {
            if v.contains(&0) || v.iter().any(|&d| d > Tensor::MAX_ALLOC) {
                return Err(invalid(
                    what,
                    v,
                    format!("1 to {} per axis", Tensor::MAX_ALLOC),
                ));
            }
        }
        let mut output = [0; 2];
        let mut pad_before = [0; 2];
        for a in 0..2 {
            // Each factor is ≤ 2^32, so these products fit in u64 = usize here.
            let extent = (kernel[a] - 1)
                .checked_mul(dilation[a])
                .and_then(|e| e.checked_add(1))
                .filter(|&e| e <= Tensor::MAX_ALLOC)
                .ok_or_else(|| {
                    invalid(
                        "kernel size",
                        kernel,
                        format!("a dilated extent of at most {}", Tensor::MAX_ALLOC),
                    )
                })?;
            match padding {
                Padding::Valid => {
                    if extent > input[a] {
                        return Err(invalid(
                            "kernel size",
                            kernel,
                            format!(
                                "a window (dilated extent {extent}) no larger than the input \
                                 {}×{} with padding valid; use padding same or a smaller kernel",
                                input[0], input[1]
                            ),
                        ));
                    }
                    output[a] = (input[a] - extent) / strides[a] + 1;
                }
                Padding::Same => {
                    output[a] = (input[a] - 1) / strides[a] + 1;
                    // (out − 1)·stride < in, so the sum stays below 2·2^32.
                    let needed = (output[a] - 1) * strides[a] + extent;
                    pad_before[a] = needed.saturating_sub(input[a]) / 2;
                }
            }
        }
        output[0]
            .checked_mul(output[1])
            .filter(|&n| n <= Tensor::MAX_ALLOC)
            .ok_or_else(|| {
                invalid(
                    "input size",
                    input,
                    format!("an output of at most {} pixels", Tensor::MAX_ALLOC),
                )
            })?;
        input[0]
            .checked_mul(input[1])
            .filter(|&n| n <= Tensor::MAX_ALLOC)
            .ok_or_else(|| {
                invalid(
                    "input size",
                    input,
                    format!("at most {} pixels", Tensor::MAX_ALLOC),
                )
            })?;
        kernel[0]
            .checked_mul(kernel[1])
            .filter(|&n| n <= Tensor::MAX_ALLOC)
            .ok_or_else(|| {
                invalid(
                    "kernel size",
                    kernel,
                    format!("at most {} taps", Tensor::MAX_ALLOC),
                )
            })?;
        Ok(Window2d {
            input,
            kernel,
            strides,
            dilation,
            output,
            pad_before,
        })
    }

    /// Input height and width.
    pub fn input(&self) -> [usize; 2] {
        self.input
    }

    /// Window height and width (before dilation).
    pub fn kernel(&self) -> [usize; 2] {
        self.kernel
    }

    /// Step between window positions, per axis.
    pub fn strides(&self) -> [usize; 2] {
        self.strides
    }

    /// Step between the window's taps, per axis (1: contiguous).
    pub fn dilation(&self) -> [usize; 2] {
        self.dilation
    }

    /// Output height and width.
    pub fn output(&self) -> [usize; 2] {
        self.output
    }

    /// Padding rows above and columns left of the image (the rest of the padding is below
    /// and right of it).
    pub fn pad_before(&self) -> [usize; 2] {
        self.pad_before
    }

    /// Input pixels per image (`input[0]·input[1]`).
    pub fn input_pixels(&self) -> usize {
        self.input[0] * self.input[1]
    }

    /// Output pixels per image (`output[0]·output[1]`).
    pub fn output_pixels(&self) -> usize {
        self.output[0] * self.output[1]
    }

    /// Taps of the window (`kernel[0]·kernel[1]`).
    pub fn taps(&self) -> usize {
        self.kernel[0] * self.kernel[1]
    }

    /// The input coordinate on `axis` (0: rows, 1: columns) of tap `tap` of the window at
    /// output coordinate `out`, or `None` where that falls in the padding.
    #[inline]
    pub fn source(&self, axis: usize, out: usize, tap: usize) -> Option<usize> {
        (out * self.strides[axis] + tap * self.dilation[axis])
            .checked_sub(self.pad_before[axis])
            .filter(|&i| i < self.input[axis])
    }
}

fn invalid(what: &'static str, v: [usize; 2], expected: String) -> Error {
    Error::Invalid {
        what,
        value: format!("{}×{}", v[0], v[1]),
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// TensorFlow's rule, computed the long way.
    fn tf_same(input: usize, k: usize, s: usize, d: usize) -> (usize, usize) {
        let out = input.div_ceil(s);
        let extent = (k - 1) * d + 1;
        let total = ((out - 1) * s + extent).saturating_sub(input);
        (out, total / 2)
    }

    #[test]
    fn output_sizes_and_padding_follow_tensorflow() {
        for input in 1..12 {
            for k in 1..5 {
                for s in 1..4 {
                    for d in 1..3 {
                        let w = Window2d::new([input, 7], [k, 1], [s, 1], [d, 1], Padding::Same)
                            .unwrap();
                        assert_eq!((w.output[0], w.pad_before[0]), tf_same(input, k, s, d));
                        let extent = (k - 1) * d + 1;
                        match Window2d::new([input, 7], [k, 1], [s, 1], [d, 1], Padding::Valid) {
                            Ok(w) => assert_eq!(w.output[0], (input - extent) / s + 1),
                            Err(_) => assert!(extent > input),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn sources_fall_in_the_image_or_the_padding() {
        let w = Window2d::new([4, 4], [3, 3], [2, 2], [1, 1], Padding::Same).unwrap();
        // out 2, pad total (1·2 + 3 − 4) = 1: 0 before, 1 after.
        assert_eq!((w.output, w.pad_before), ([2, 2], [0, 0]));
        assert_eq!(w.source(0, 1, 2), None); // row 4: the bottom padding
        assert_eq!(w.source(0, 1, 1), Some(3));
        let w = Window2d::new([5, 5], [3, 3], [1, 1], [1, 1], Padding::Same).unwrap();
        assert_eq!(w.pad_before, [1, 1]);
        assert_eq!(w.source(1, 0, 0), None);
        assert_eq!(w.source(1, 0, 1), Some(0));
    }

    #[test]
    fn bad_sizes_are_errors() {
        let e = Window2d::new([3, 4], [5, 5], [1, 1], [1, 1], Padding::Valid).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid kernel size = 5×5: a window (dilated extent 5) no larger than the input \
             3×4 with padding valid; use padding same or a smaller kernel"
        );
        assert!(Window2d::new([3, 4], [0, 1], [1, 1], [1, 1], Padding::Same).is_err());
        assert!(Window2d::new([3, 4], [1, 1], [1, 0], [1, 1], Padding::Same).is_err());
        assert!(Window2d::new([0, 4], [1, 1], [1, 1], [1, 1], Padding::Same).is_err());
        let huge = usize::MAX;
        assert!(Window2d::new([3, 4], [huge, 1], [1, 1], [1, 1], Padding::Same).is_err());
        assert!(Window2d::new([3, 4], [3, 1], [1, 1], [1 << 31, 1], Padding::Same).is_err());
        assert!(Window2d::new([1 << 32, 2], [1, 1], [1, 1], [1, 1], Padding::Same).is_err());
        let w = Window2d::new([1 << 16, 1 << 16], [1, 1], [1, 1], [1, 1], Padding::Same);
        assert_eq!(w.unwrap().output_pixels(), 1 << 32);
    }
}
