//! [`TransformParams`]: one image's augmentation, and the affine pull map it defines.

use gradus_tensor::ops::{AffineWarp, FillMode, Interpolation};
use serde::{Deserialize, Serialize};

use super::invalid;
use super::shift_range::MAX_SHIFT;
use super::zoom_range::MAX_ZOOM;
use crate::Result;

/// The parameters of one image's augmentation, with the names and meaning of Keras's
/// `apply_transform` dictionary (and `apply_affine_transform`'s arguments).
///
/// Coordinates are `x` = column (to the right), `y` = row (down), in pixels, about the
/// image centre `c` (see [`Centre`]). Output pixel `p` samples the input at
///
/// ```text
/// p_in = c + R(theta) · ( (tx, ty) + Sh(shear) · diag(zx, zy) · (p − c) )
/// R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]]      Sh(s) = [[1, −sin s], [0, cos s]]
/// ```
///
/// (Keras's `M = R·T·S·Z` about the centre, a pull map), so positive `theta` turns the
/// content counter-clockwise on screen, positive `tx` moves it left and positive `ty` up
/// by that many pixels, `zx > 1` shrinks it horizontally (zooms out), and positive
/// `shear` moves content below the centre to the right. Then come the channel shift, the
/// horizontal and vertical flips, and brightness, in Keras's order.
///
/// ```
/// use gradus_data::TransformParams;
/// let p = TransformParams { theta: 30.0, zx: 0.9, ..TransformParams::default() };
/// assert!(p.validate().is_ok());
/// let bad = TransformParams { zy: f64::NAN, ..p };
/// assert_eq!(
///     bad.validate().unwrap_err().to_string(),
///     "invalid TransformParams.zy = NaN: a finite zoom factor within ±1e9 (1 for none)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TransformParams {
    /// Rotation in degrees, counter-clockwise.
    pub theta: f64,
    /// Shift along x (columns) in pixels; positive moves the content left.
    pub tx: f64,
    /// Shift along y (rows) in pixels; positive moves the content up.
    pub ty: f64,
    /// Shear angle in degrees.
    pub shear: f64,
    /// Horizontal zoom factor (> 1 zooms out); 0 and negative factors are accepted (a
    /// constant image, a mirrored one).
    pub zx: f64,
    /// Vertical zoom factor.
    pub zy: f64,
    /// Reverse the columns (after the warp and the channel shift).
    pub flip_horizontal: bool,
    /// Reverse the rows.
    pub flip_vertical: bool,
    /// Added to every value, clipped to the image's range before the shift (Keras's
    /// `apply_channel_shift`: the same intensity for all channels).
    pub channel_shift_intensity: Option<f64>,
    /// Brightness factor (see [`ImageDataGenerator`](crate::ImageDataGenerator)).
    pub brightness: Option<f64>,
}

impl Default for TransformParams {
    /// The identity: no warp, flip, shift or brightness change.
    fn default() -> TransformParams {
        TransformParams {
            theta: 0.0,
            tx: 0.0,
            ty: 0.0,
            shear: 0.0,
            zx: 1.0,
            zy: 1.0,
            flip_horizontal: false,
            flip_vertical: false,
            channel_shift_intensity: None,
            brightness: None,
        }
    }
}

/// Where rotation, shear and zoom are centred.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Centre {
    /// The true centre `((w − 1)/2, (h − 1)/2)` in `(x, y)`.
    #[default]
    Exact,
    /// Keras's `transform_matrix_offset_center(M, h, w)` after its axis swap:
    /// `((h − 1)/2, (w − 1)/2)` in `(x, y)` — the centre only of square images.
    Keras,
}

impl TransformParams {
    /// Checks that every parameter is a finite number within the accepted range.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) naming the first bad field, e.g.
    /// `TransformParams.theta`: angles must be finite, shifts within ±1e12 pixels, zoom
    /// factors within ±1e9, the channel shift and brightness within the `f32` range.
    pub fn validate(&self) -> Result<()> {
        let checks: [(&str, f64, f64, &str); 6] = [
            ("theta", self.theta, f64::MAX, "a finite angle in degrees"),
            (
                "tx",
                self.tx,
                MAX_SHIFT,
                "a finite shift within ±1e12 pixels",
            ),
            (
                "ty",
                self.ty,
                MAX_SHIFT,
                "a finite shift within ±1e12 pixels",
            ),
            ("shear", self.shear, f64::MAX, "a finite angle in degrees"),
            (
                "zx",
                self.zx,
                MAX_ZOOM,
                "a finite zoom factor within ±1e9 (1 for none)",
            ),
            (
                "zy",
                self.zy,
                MAX_ZOOM,
                "a finite zoom factor within ±1e9 (1 for none)",
            ),
        ];
        let optional = [
            ("channel_shift_intensity", self.channel_shift_intensity),
            ("brightness", self.brightness),
        ];
        for (field, v, max, expected) in checks {
            if !(v.is_finite() && v.abs() <= max) {
                return Err(invalid(&format!("TransformParams.{field}"), v, expected));
            }
        }
        for (field, v) in optional {
            if let Some(v) = v
                && !(v.is_finite() && v.abs() <= f32::MAX as f64)
            {
                let expected = "a finite number within the f32 range, or none";
                return Err(invalid(&format!("TransformParams.{field}"), v, expected));
            }
        }
        Ok(())
    }

    /// Whether the warp (rotation, shift, shear, zoom) is the identity, as Keras tests it
    /// before skipping `affine_transform`.
    pub fn is_identity_warp(&self) -> bool {
        self.theta == 0.0
            && self.tx == 0.0
            && self.ty == 0.0
            && self.shear == 0.0
            && self.zx == 1.0
            && self.zy == 1.0
    }

    /// The warp for an image of `height × width` pixels: the pull map above with the flips
    /// folded in (a flip only reorders the warped pixels), as a
    /// [`warp_affine`](gradus_tensor::ops::warp_affine) matrix in (row, column) order.
    /// Without rotation, shift, shear or zoom the flips are exact permutations, sampled at
    /// order 0.
    pub fn warp(
        &self,
        height: usize,
        width: usize,
        centre: Centre,
        fill: FillMode,
        cval: f32,
        interpolation: Interpolation,
    ) -> AffineWarp {
        let (h, w) = (height as f64, width as f64);
        let (cx, cy) = match centre {
            Centre::Exact => ((w - 1.0) / 2.0, (h - 1.0) / 2.0),
            Centre::Keras => ((h - 1.0) / 2.0, (w - 1.0) / 2.0),
        };
        let (sin_t, cos_t) = self.theta.to_radians().sin_cos();
        let (sin_s, cos_s) = self.shear.to_radians().sin_cos();
        // L = R · Sh · Z; the map is p_in = L·(p − c) + R·t + c.
        let sz = [[self.zx, -sin_s * self.zy], [0.0, cos_s * self.zy]];
        let l = [
            [
                cos_t * sz[0][0] - sin_t * sz[1][0],
                cos_t * sz[0][1] - sin_t * sz[1][1],
            ],
            [
                sin_t * sz[0][0] + cos_t * sz[1][0],
                sin_t * sz[0][1] + cos_t * sz[1][1],
            ],
        ];
        let t = [
            cos_t * self.tx - sin_t * self.ty,
            sin_t * self.tx + cos_t * self.ty,
        ];
        let a = [
            [l[0][0], l[0][1], cx - l[0][0] * cx - l[0][1] * cy + t[0]],
            [l[1][0], l[1][1], cy - l[1][0] * cx - l[1][1] * cy + t[1]],
        ];
        // Flips: output x' samples warped x = sx·x' + ox (likewise y).
        let (sx, ox) = if self.flip_horizontal {
            (-1.0, w - 1.0)
        } else {
            (1.0, 0.0)
        };
        let (sy, oy) = if self.flip_vertical {
            (-1.0, h - 1.0)
        } else {
            (1.0, 0.0)
        };
        let identity = self.is_identity_warp();
        let row = |k: usize| {
            let [ax, ay, a0] = if identity {
                [(k == 0) as u8 as f64, (k == 1) as u8 as f64, 0.0]
            } else {
                a[k]
            };
            [ay * sy, ax * sx, ax * ox + ay * oy + a0]
        };
        AffineWarp {
            // Kernel rows: input row (y) first, then input column (x).
            matrix: [row(1), row(0)],
            fill,
            cval,
            interpolation: if identity {
                Interpolation::Nearest
            } else {
                interpolation
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(p: &TransformParams, h: usize, w: usize, centre: Centre) -> [[f64; 3]; 2] {
        p.warp(
            h,
            w,
            centre,
            FillMode::Nearest,
            0.0,
            Interpolation::Bilinear,
        )
        .matrix
    }

    fn close(a: [[f64; 3]; 2], b: [[f64; 3]; 2]) -> bool {
        a.iter()
            .flatten()
            .zip(b.iter().flatten())
            .all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn quarter_turn_about_the_exact_centre_of_a_non_square_image() {
        // 5 × 9: centre (x, y) = (4, 2). p_in = c + R(90°)(p − c): x_in = 4 − (y − 2),
        // y_in = 2 + (x − 4): row_in = c − 2, col_in = 6 − r.
        let p = TransformParams {
            theta: 90.0,
            ..TransformParams::default()
        };
        let want = [[0.0, 1.0, -2.0], [-1.0, 0.0, 6.0]];
        assert!(close(matrix(&p, 5, 9, Centre::Exact), want));
        // Keras centres at (x, y) = (2, 4): x_in = 2 − (y − 4), y_in = 4 + (x − 2).
        let keras = [[0.0, 1.0, 2.0], [-1.0, 0.0, 6.0]];
        assert!(close(matrix(&p, 5, 9, Centre::Keras), keras));
    }

    #[test]
    fn shifts_zooms_shears_and_flips() {
        let shift = TransformParams {
            tx: 2.0,
            ty: -1.0,
            ..TransformParams::default()
        };
        assert!(close(
            matrix(&shift, 4, 6, Centre::Exact),
            [[1.0, 0.0, -1.0], [0.0, 1.0, 2.0]]
        ));
        // Zoom about x = 2.5: col_in = 2.5 + 2(c − 2.5).
        let zoom = TransformParams {
            zx: 2.0,
            ..TransformParams::default()
        };
        assert!(close(
            matrix(&zoom, 4, 6, Centre::Exact),
            [[1.0, 0.0, 0.0], [0.0, 2.0, -2.5]]
        ));
        // Shear 30°: x_in = x − sin(30°)(y − cy) (about the centre), y_in = cy + cos(30°)(y − cy).
        let shear = TransformParams {
            shear: 30.0,
            ..TransformParams::default()
        };
        let c = 30f64.to_radians().cos();
        let m = matrix(&shear, 5, 5, Centre::Exact);
        assert!(
            close(m, [[c, 0.0, 2.0 - 2.0 * c], [-0.5, 1.0, 1.0]]),
            "{m:?}"
        );
        // Flips alone: exact permutations at order 0.
        let flips = TransformParams {
            flip_horizontal: true,
            flip_vertical: true,
            ..TransformParams::default()
        };
        let w = flips.warp(
            3,
            4,
            Centre::Exact,
            FillMode::Wrap,
            0.0,
            Interpolation::Bilinear,
        );
        assert_eq!(w.matrix, [[-1.0, 0.0, 2.0], [0.0, -1.0, 3.0]]);
        assert_eq!(w.interpolation, Interpolation::Nearest);
    }

    #[test]
    fn validation_names_each_field() {
        let base = TransformParams::default();
        let cases = [
            (
                TransformParams {
                    theta: f64::INFINITY,
                    ..base.clone()
                },
                "theta",
            ),
            (
                TransformParams {
                    tx: 2e12,
                    ..base.clone()
                },
                "tx",
            ),
            (
                TransformParams {
                    shear: f64::NAN,
                    ..base.clone()
                },
                "shear",
            ),
            (
                TransformParams {
                    zx: -1e10,
                    ..base.clone()
                },
                "zx",
            ),
            (
                TransformParams {
                    brightness: Some(1e39),
                    ..base.clone()
                },
                "brightness",
            ),
            (
                TransformParams {
                    channel_shift_intensity: Some(f64::NAN),
                    ..base.clone()
                },
                "channel_shift_intensity",
            ),
        ];
        for (p, field) in cases {
            let e = p.validate().unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("invalid TransformParams.{field} = ")),
                "{e}"
            );
        }
        let ok = TransformParams {
            zx: 0.0,
            zy: -2.0,
            theta: 1e300,
            ..base
        };
        assert!(ok.validate().is_ok());
    }
}
