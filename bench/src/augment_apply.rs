//! The `augment` subcommand: applies one explicit transform to an image in a `.npy` file, so
//! that any case can be compared with Keras from outside the test suite (e.g. against
//! `apply_affine_transform` with `--keras-compat`).
//!
//! ```text
//! gradus-bench augment --input in.npy --output out.npy --theta 30 --tx 2 --ty -1 \
//!     --shear 10 --zx 0.9 --zy 1.1 --fill-mode reflect --order 1 --keras-compat
//! ```
//!
//! The input is an `H × W × C` float32 array (C order); the output has the same shape and
//! type. `tx`, `ty`, `zx`, `zy` have the meaning of Keras's `apply_affine_transform`
//! (`tx` shifts along x, the columns; positive moves the content left). One JSON line
//! reports what was done.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use gradus_data::{ImageDataGenerator, TransformParams};
use gradus_tensor::Tensor;
use gradus_tensor::ops::{FillMode, Interpolation};
use npyz::WriterBuilder;

/// The fill modes, as on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Fill {
    /// `cval` outside the image.
    Constant,
    /// The nearest edge pixel.
    Nearest,
    /// Half-sample symmetric reflection.
    Reflect,
    /// SciPy's legacy wrap (period n − 1).
    Wrap,
}

impl From<Fill> for FillMode {
    fn from(f: Fill) -> FillMode {
        match f {
            Fill::Constant => FillMode::Constant,
            Fill::Nearest => FillMode::Nearest,
            Fill::Reflect => FillMode::Reflect,
            Fill::Wrap => FillMode::Wrap,
        }
    }
}

/// Arguments of `augment`.
#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// Input image: an H×W×C float32 .npy file.
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write the result (float32 .npy, same shape).
    #[arg(long)]
    pub output: PathBuf,
    /// Rotation in degrees (counter-clockwise).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub theta: f64,
    /// Shift along x (columns) in pixels.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub tx: f64,
    /// Shift along y (rows) in pixels.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub ty: f64,
    /// Shear angle in degrees.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub shear: f64,
    /// Horizontal zoom factor (> 1 zooms out).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub zx: f64,
    /// Vertical zoom factor.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub zy: f64,
    /// Reverse the columns after the warp.
    #[arg(long)]
    pub flip_horizontal: bool,
    /// Reverse the rows after the warp.
    #[arg(long)]
    pub flip_vertical: bool,
    /// Channel shift intensity (Keras's apply_channel_shift).
    #[arg(long, allow_negative_numbers = true)]
    pub channel_shift: Option<f64>,
    /// Brightness factor.
    #[arg(long)]
    pub brightness: Option<f64>,
    /// Sampling outside the image.
    #[arg(long, value_enum, default_value_t = Fill::Nearest)]
    pub fill_mode: Fill,
    /// Value outside the image with --fill-mode constant.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub cval: f32,
    /// Interpolation order: 0 (nearest) or 1 (bilinear).
    #[arg(long, default_value_t = 1)]
    pub order: u8,
    /// Reproduce Keras 3's geometry (its centre on non-square images).
    #[arg(long)]
    pub keras_compat: bool,
}

/// Reads an H×W×C float32 array.
fn read_image(path: &PathBuf) -> anyhow::Result<Tensor> {
    let file = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    let npy = npyz::NpyFile::new(BufReader::new(file))
        .with_context(|| format!("{}: not a .npy file", path.display()))?;
    let dims: Vec<usize> = npy.shape().iter().map(|&d| d as usize).collect();
    if dims.len() != 3 {
        bail!(
            "{}: shape {dims:?}; expected an H×W×C image",
            path.display()
        );
    }
    if npy.order() != npyz::Order::C {
        bail!(
            "{}: Fortran order; save it with np.ascontiguousarray",
            path.display()
        );
    }
    let dtype = npy.dtype();
    let Ok(data) = npy.try_data::<f32>() else {
        bail!(
            "{}: dtype {}; expected float32 (x.astype(np.float32))",
            path.display(),
            dtype.descr()
        );
    };
    let values = data
        .collect::<std::io::Result<Vec<f32>>>()
        .with_context(|| format!("{}: truncated data", path.display()))?;
    Ok(Tensor::from_vec(values, &dims)?)
}

/// Writes `image` as a float32 .npy file of its shape.
fn write_image(path: &PathBuf, image: &Tensor) -> anyhow::Result<()> {
    let shape: Vec<u64> = image.dims().iter().map(|&d| d as u64).collect();
    let file = File::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
    let mut writer = npyz::WriteOptions::<f32>::new()
        .default_dtype()
        .shape(&shape)
        .writer(BufWriter::new(file))
        .begin_nd()?;
    writer.extend(image.data().iter().copied())?;
    writer.finish()?;
    Ok(())
}

/// Runs `augment`.
pub fn run(args: &ApplyArgs) -> anyhow::Result<()> {
    let image = read_image(&args.input)?;
    let generator = ImageDataGenerator::new()
        .fill_mode(args.fill_mode.into())
        .cval(args.cval)
        .interpolation_order(Interpolation::try_from(args.order)?)
        .keras_compat(args.keras_compat);
    let params = TransformParams {
        theta: args.theta,
        tx: args.tx,
        ty: args.ty,
        shear: args.shear,
        zx: args.zx,
        zy: args.zy,
        flip_horizontal: args.flip_horizontal,
        flip_vertical: args.flip_vertical,
        channel_shift_intensity: args.channel_shift,
        brightness: args.brightness,
    };
    let start = Instant::now();
    let out = generator.apply_transform(&image, &params)?;
    let micros = start.elapsed().as_secs_f64() * 1e6;
    write_image(&args.output, &out)?;
    let line = serde_json::json!({
        "workload": "augment",
        "shape": image.dims(),
        "params": serde_json::to_value(&params)?,
        "fill_mode": format!("{:?}", args.fill_mode).to_lowercase(),
        "cval": args.cval,
        "order": args.order,
        "keras_compat": args.keras_compat,
        "micros": micros,
    });
    println!("{line}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_round_trip_and_refusals() {
        let dir = std::env::temp_dir().join(format!("gradus-augment-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("image.npy");
        let image =
            Tensor::from_vec((0..24).map(|v| v as f32 * 0.5).collect(), &[2, 4, 3]).unwrap();
        write_image(&path, &image).unwrap();
        assert_eq!(read_image(&path).unwrap(), image);
        let flat = Tensor::from_vec(vec![1.0; 6], &[2, 3]).unwrap();
        write_image(&path, &flat).unwrap();
        let e = read_image(&path).unwrap_err().to_string();
        assert!(e.ends_with("shape [2, 3]; expected an H×W×C image"), "{e}");
        std::fs::write(&path, b"not numpy").unwrap();
        assert!(
            read_image(&path)
                .unwrap_err()
                .to_string()
                .contains("not a .npy file")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
