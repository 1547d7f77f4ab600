//! A grid of images from a tensor, as the course shows digits or augmented pictures.

use gradus_plot::{GridImage, ImageGrid};
use gradus_tensor::Tensor;

use crate::Result;

/// The images of `images` (values 0..=255, clamped; NaN drawn as 0) in a grid of `cols`
/// columns. The tensor is `[n, height, width, channels]` (1 or 3 channels),
/// `[n, height, width]` (gray), or `[n, side²]` (gray squares, e.g. the 8×8 digits as rows
/// of 64 features). Add captions with [`ImageGrid::captions`], a size with
/// [`ImageGrid::size`].
///
/// ```
/// use gradus::tensor::Tensor;
/// let digits = Tensor::from_vec(vec![128.0; 3 * 64], &[3, 64])?;
/// let grid = gradus::plots::image_grid(&digits, 2)?.captions(["0", "1", "2"]);
/// assert_eq!(grid.images[0].0.shape(), [8, 8, 1]);
/// let png = grid.to_png()?;
/// let e = gradus::plots::image_grid(&Tensor::zeros(&[2, 5]), 2).unwrap_err();
/// assert!(e.to_string().starts_with("invalid images = [2, 5]: "), "{e}");
/// # Ok::<(), gradus::Error>(())
/// ```
///
/// # Errors
/// A tensor of another shape (a rank-2 row length that is not a square, 2 or 4+ channels),
/// and as [`ImageGrid::natural_size`] for an empty tensor.
pub fn image_grid(images: &Tensor, cols: usize) -> Result<ImageGrid> {
    let dims = images.shape().dims();
    let shape = match *dims {
        [_, h, w, c] => Some([h, w, c]),
        [_, h, w] => Some([h, w, 1]),
        [_, len] => {
            let side = len.isqrt();
            (side * side == len).then_some([side, side, 1])
        }
        _ => None,
    };
    let Some(shape) = shape.filter(|s| s[2] == 1 || s[2] == 3) else {
        return Err(gradus_tensor::Error::Invalid {
            what: "images",
            value: format!("{dims:?}"),
            expected: "a tensor of shape [n, height, width, channels] (1 or 3 channels), \
                       [n, height, width] or [n, side²]"
                .into(),
        }
        .into());
    };
    let mut grid = ImageGrid::new(cols);
    for r in 0..images.rows() {
        grid = grid.image(GridImage::from_f32(shape, images.row(r))?);
    }
    Ok(grid)
}
