//! Writing charts to files: [`Format`] from a file's extension, PNG encoding (the `image`
//! crate) and atomic saves (a temporary file in the same directory, then a rename), so a
//! reader never sees half a file.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use image::ImageEncoder;
use image::codecs::png::PngEncoder;

use crate::chart::Chart;
use crate::error::Error;

/// A file format charts and image grids are written in.
///
/// ```
/// use gradus_plot::Format;
/// assert_eq!(Format::from_path("out/loss.PNG".as_ref()).unwrap(), Format::Png);
/// let e = Format::from_path("out/loss.jpg".as_ref()).unwrap_err();
/// assert_eq!(e.to_string(), "out/loss.jpg: cannot tell the image format; use a `.png` or `.svg` extension");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Portable Network Graphics: 8-bit RGB pixels.
    Png,
    /// Scalable Vector Graphics.
    Svg,
}

impl Format {
    /// The format named by `path`'s extension: `.png` or `.svg`, in any case.
    ///
    /// # Errors
    /// [`Error::Format`] naming the path, for any other extension or none.
    pub fn from_path(path: &Path) -> Result<Format, Error> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext.eq_ignore_ascii_case("png") {
            Ok(Format::Png)
        } else if ext.eq_ignore_ascii_case("svg") {
            Ok(Format::Svg)
        } else {
            Err(Error::Format {
                path: path.to_path_buf(),
            })
        }
    }

    /// The file extension, without the dot: `png` or `svg`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

impl Chart {
    /// Renders the chart in the format its extension names (`.png` or `.svg`) and writes it
    /// to `path`, atomically.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// use gradus_plot::{Chart, Series};
    /// let chart = Chart::new("loss").series(Series::line("loss", vec![(1.0, 0.9), (2.0, 0.5)]));
    /// chart.save(dir.path().join("loss.png")).unwrap();
    /// let e = chart.save(dir.path().join("loss.pdf")).unwrap_err();
    /// assert!(e.to_string().ends_with("use a `.png` or `.svg` extension"));
    /// ```
    ///
    /// # Errors
    /// [`Error::Format`] for another extension, then as [`Chart::save_png`] /
    /// [`Chart::save_svg`].
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let path = path.as_ref();
        match Format::from_path(path)? {
            Format::Png => self.save_png(path),
            Format::Svg => self.save_svg(path),
        }
    }

    /// Renders the chart as SVG ([`Chart::to_svg`]) and writes it to `path`, atomically.
    ///
    /// # Errors
    /// As [`Chart::to_svg`], or an I/O error naming the file.
    pub fn save_svg(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        write_atomic(path.as_ref(), self.to_svg()?.as_bytes())
    }

    /// Renders the chart as PNG ([`Chart::to_png`]) and writes it to `path`, atomically.
    ///
    /// # Errors
    /// As [`Chart::to_png`], or an I/O error naming the file.
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        write_atomic(path.as_ref(), &self.to_png()?)
    }
}

/// `rgb` (row-major, 3 bytes a pixel) as a PNG file.
pub(crate) fn encode_png(
    what: &str,
    width: u32,
    height: u32,
    rgb: Vec<u8>,
) -> Result<Vec<u8>, Error> {
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(&rgb, width, height, image::ExtendedColorType::Rgb8)
        .map_err(|e| Error::Draw {
            what: what.to_owned(),
            message: format!("encoding PNG: {e}"),
        })?;
    Ok(png)
}

/// Writes `bytes` to a fresh temporary file next to `path`, flushes it to disk and renames it
/// over `path`; on failure the temporary file is removed and `path` is untouched.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let io_error = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let name = path.file_name().ok_or_else(|| {
        io_error(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        ))
    })?;
    let tmp = path.with_file_name(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Series;

    #[test]
    fn saves_are_atomic_and_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let chart = Chart::new("c").series(Series::line("a", vec![(0.0, 1.0), (1.0, 2.0)]));
        let png = dir.path().join("c.png");
        chart.save(&png).unwrap();
        assert_eq!(std::fs::read(&png).unwrap(), chart.to_png().unwrap());
        let svg = dir.path().join("c.SVG");
        chart.save(&svg).unwrap();
        assert_eq!(
            std::fs::read_to_string(&svg).unwrap(),
            chart.to_svg().unwrap()
        );
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");

        let e = chart.save(dir.path().join("c")).unwrap_err();
        assert!(
            e.to_string()
                .ends_with(": cannot tell the image format; use a `.png` or `.svg` extension"),
            "{e}"
        );
        let e = chart.save("/nonexistent/dir/a.svg").unwrap_err();
        assert!(e.to_string().starts_with("/nonexistent/dir/a.svg: "), "{e}");
        // A directory in the way: the rename fails, the temporary file goes.
        std::fs::create_dir(dir.path().join("d.png")).unwrap();
        assert!(chart.save_png(dir.path().join("d.png")).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }
}
