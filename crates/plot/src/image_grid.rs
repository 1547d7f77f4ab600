//! [`ImageGrid`]: images (gray or RGB) laid out in rows of `cols` cells, with optional
//! captions, as PNG (or SVG embedding that PNG).

use std::path::Path;

use plotters::backend::RGBPixel;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::chart::{MAX_SIDE, MIN_SIDE, check_size, printable};
use crate::error::Error;
use crate::font::{self, FAMILY};
use crate::output::{Format, encode_png, write_atomic};

/// One image of a grid: `height × width` pixels of 1 (gray) or 3 (RGB) channels, 8 bits
/// each, row-major with the channels innermost (`[height, width, channels]`).
#[derive(Clone, Debug, PartialEq)]
pub struct GridImage {
    shape: [usize; 3],
    pixels: Vec<u8>,
}

impl GridImage {
    /// An image of `shape = [height, width, channels]` from its bytes.
    ///
    /// ```
    /// use gradus_plot::GridImage;
    /// let img = GridImage::from_u8([2, 3, 1], vec![0, 64, 128, 255, 0, 0]).unwrap();
    /// assert_eq!(img.shape(), [2, 3, 1]);
    /// let e = GridImage::from_u8([2, 2, 2], vec![0; 8]).unwrap_err();
    /// assert_eq!(e.to_string(), "image of shape [2, 2, 2]: 2 channels; use 1 (gray) or 3 (RGB)");
    /// ```
    ///
    /// # Errors
    /// [`Error::Image`] for a zero height or width, a channel count other than 1 or 3, or a
    /// number of bytes other than `height × width × channels`.
    pub fn from_u8(shape: [usize; 3], pixels: Vec<u8>) -> Result<GridImage, Error> {
        let fail = |reason: String| Err(Error::Image { shape, reason });
        let [height, width, channels] = shape;
        if height == 0 || width == 0 {
            return fail("an image needs at least one row and one column".into());
        }
        if channels != 1 && channels != 3 {
            return fail(format!("{channels} channels; use 1 (gray) or 3 (RGB)"));
        }
        let needed = height
            .checked_mul(width)
            .and_then(|n| n.checked_mul(channels));
        if needed != Some(pixels.len()) {
            return fail(format!(
                "{} values given, the shape needs height × width × channels",
                pixels.len()
            ));
        }
        Ok(GridImage { shape, pixels })
    }

    /// An image from values in `[0, 255]`, rounded to bytes; values outside are clamped and
    /// NaN is drawn as 0.
    ///
    /// # Errors
    /// As [`GridImage::from_u8`].
    pub fn from_f32(shape: [usize; 3], values: &[f32]) -> Result<GridImage, Error> {
        // `as` maps NaN to 0 and saturates.
        let bytes = values.iter().map(|v| v.round() as u8).collect();
        GridImage::from_u8(shape, bytes)
    }

    /// `[height, width, channels]`.
    pub fn shape(&self) -> [usize; 3] {
        self.shape
    }

    /// The RGB colour of pixel `(row, col)`.
    fn rgb(&self, row: usize, col: usize) -> [u8; 3] {
        let [_, width, channels] = self.shape;
        let i = (row * width + col) * channels;
        if channels == 1 {
            [self.pixels[i]; 3]
        } else {
            [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
        }
    }
}

/// Images in a grid of `cols` columns (rows as needed), each centred in its cell and scaled
/// (nearest neighbour, aspect kept) to fit, with an optional caption under it.
///
/// Without [`ImageGrid::size`] the grid takes its natural size: cells as large as the largest
/// image, magnified by a whole factor to at least 64 px (8×8 digits become 64×64), 4 px
/// apart. Either way each side must be in [`MIN_SIDE`]`..=`[`MAX_SIDE`] pixels.
///
/// ```
/// use gradus_plot::{GridImage, ImageGrid};
/// let digit = GridImage::from_u8([8, 8, 1], vec![200; 64]).unwrap();
/// let grid = ImageGrid::new(2)
///     .captioned(digit.clone(), "label 3")
///     .captioned(digit.clone(), "label 5")
///     .image(digit);
/// assert_eq!(grid.natural_size().unwrap(), (140, 170));
/// let png = grid.size(300, 200).to_png().unwrap();
/// assert_eq!(&png[16..24], &[0, 0, 1, 44, 0, 0, 0, 200]);
/// let e = ImageGrid::new(0).image(GridImage::from_u8([1, 1, 1], vec![0]).unwrap()).to_png();
/// assert_eq!(e.unwrap_err().to_string(), "image grid: 0 columns; ask for at least 1");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ImageGrid {
    /// Columns (≥ 1); a grid of fewer images has as many columns as images.
    pub cols: usize,
    /// The images, in reading order, each with its caption.
    pub images: Vec<(GridImage, Option<String>)>,
    /// Width and height in pixels; `None` for the natural size.
    pub size: Option<(u32, u32)>,
}

/// Space between cells and around the grid, in pixels.
const GAP: usize = 4;

/// Cell geometry: the grid's size, and each cell's image box and caption height.
struct Layout {
    size: (u32, u32),
    origin: (usize, usize),
    cols: usize,
    cell: (usize, usize),
    caption: usize,
}

impl ImageGrid {
    /// An empty grid of `cols` columns at its natural size.
    pub fn new(cols: usize) -> ImageGrid {
        ImageGrid {
            cols,
            images: Vec::new(),
            size: None,
        }
    }

    /// Adds an image without a caption.
    pub fn image(mut self, image: GridImage) -> ImageGrid {
        self.images.push((image, None));
        self
    }

    /// Adds an image with a caption under it (cut with `…` where it does not fit the cell).
    pub fn captioned(mut self, image: GridImage, caption: impl Into<String>) -> ImageGrid {
        self.images.push((image, Some(caption.into())));
        self
    }

    /// Captions the images in order, the first caption under the first image (extra
    /// captions are ignored; images past the last caption keep theirs).
    ///
    /// ```
    /// use gradus_plot::{GridImage, ImageGrid};
    /// let img = GridImage::from_u8([1, 1, 1], vec![0]).unwrap();
    /// let grid = ImageGrid::new(2).image(img.clone()).image(img).captions(["3", "5", "7"]);
    /// assert_eq!(grid.images[1].1.as_deref(), Some("5"));
    /// ```
    pub fn captions<S: Into<String>>(mut self, captions: impl IntoIterator<Item = S>) -> ImageGrid {
        for ((_, slot), caption) in self.images.iter_mut().zip(captions) {
            *slot = Some(caption.into());
        }
        self
    }

    /// Sets the size in pixels (checked when rendering).
    pub fn size(mut self, width: u32, height: u32) -> ImageGrid {
        self.size = Some((width, height));
        self
    }

    /// The size the grid takes without [`ImageGrid::size`].
    ///
    /// # Errors
    /// [`Error::Grid`] when there is no image or no column, or when the natural size exceeds
    /// [`MAX_SIDE`] pixels on a side.
    pub fn natural_size(&self) -> Result<(u32, u32), Error> {
        let (rows, cols) = self.rows_cols()?;
        let (h, w) = self.images.iter().fold((1, 1), |(h, w), (img, _)| {
            (h.max(img.shape[0]), w.max(img.shape[1]))
        });
        let zoom = (64 / h.max(w)).max(1);
        let (cw, ch) = (w * zoom, h * zoom);
        let side = |n: usize, cell: usize| n.saturating_mul(cell.saturating_add(GAP)) + GAP;
        let (width, height) = (side(cols, cw), side(rows, ch + self.caption_height(cw)));
        if width.max(height) > MAX_SIDE as usize {
            return Err(Error::Grid(format!(
                "{} images of up to {h}×{w} px in {cols} columns need {width}×{height} px, more \
                 than {MAX_SIDE} px a side; set a smaller size with ImageGrid::size, or plot \
                 fewer images",
                self.images.len()
            )));
        }
        let side = |n: usize| (n as u32).max(MIN_SIDE);
        Ok((side(width), side(height)))
    }

    fn rows_cols(&self) -> Result<(usize, usize), Error> {
        if self.cols == 0 {
            return Err(Error::Grid("0 columns; ask for at least 1".into()));
        }
        if self.images.is_empty() {
            return Err(Error::Grid(
                "no image to lay out; add some with ImageGrid::image".into(),
            ));
        }
        let cols = self.cols.min(self.images.len());
        Ok((self.images.len().div_ceil(cols), cols))
    }

    /// Caption font size for cells `cell_width` wide (0 without captions).
    fn caption_font(&self, cell_width: usize) -> usize {
        if self.images.iter().any(|(_, c)| c.is_some()) {
            (cell_width / 7).clamp(10, 20)
        } else {
            0
        }
    }

    fn caption_height(&self, cell_width: usize) -> usize {
        self.caption_font(cell_width) * 3 / 2
    }

    fn layout(&self) -> Result<Layout, Error> {
        let (rows, cols) = self.rows_cols()?;
        let size = match self.size {
            Some(size) => check_size("image grid", size)?,
            None => self.natural_size()?,
        };
        let (width, height) = (size.0 as usize, size.1 as usize);
        let cw = width.saturating_sub(GAP * (cols + 1)) / cols;
        let caption = self.caption_height(cw);
        let ch = (height.saturating_sub(GAP * (rows + 1)) / rows).saturating_sub(caption);
        if cw == 0 || ch == 0 {
            return Err(Error::Grid(format!(
                "{width}×{height} px leave no room for {rows} rows of {cols} cells; ask for a \
                 larger size or a different number of columns"
            )));
        }
        // Centre the cells when the natural size was raised to MIN_SIDE.
        let used = |n: usize, cell: usize| n * (cell + GAP) + GAP;
        let origin = (
            (width - used(cols, cw)) / 2,
            (height - used(rows, ch + caption)) / 2,
        );
        Ok(Layout {
            size,
            origin,
            cols,
            cell: (cw, ch),
            caption,
        })
    }

    /// The grid as a PNG image (8-bit RGB) on white, captions in the bundled DejaVu Sans.
    ///
    /// # Errors
    /// [`Error::Grid`] for no image, no column, a natural size over [`MAX_SIDE`] or a size
    /// too small for the cells; [`Error::Size`] for a requested size out of range.
    pub fn to_png(&self) -> Result<Vec<u8>, Error> {
        let l = self.layout()?;
        font::ensure()?;
        let (width, height) = (l.size.0 as usize, l.size.1 as usize);
        let mut rgb = vec![255u8; width * height * 3];
        let (cw, ch) = l.cell;
        for (i, (img, _)) in self.images.iter().enumerate() {
            let [h, w, _] = img.shape;
            let f = (cw as f64 / w as f64).min(ch as f64 / h as f64);
            let dw = ((w as f64 * f) as usize).clamp(1, cw);
            let dh = ((h as f64 * f) as usize).clamp(1, ch);
            let (x0, y0) = cell_origin(&l, i);
            let (x0, y0) = (x0 + (cw - dw) / 2, y0 + (ch - dh) / 2);
            for y in 0..dh {
                let row = &mut rgb[((y0 + y) * width + x0) * 3..][..dw * 3];
                for (x, px) in row.chunks_exact_mut(3).enumerate() {
                    px.copy_from_slice(&img.rgb(y * h / dh, x * w / dw));
                }
            }
        }
        if l.caption > 0 {
            self.draw_captions(&l, &mut rgb)
                .map_err(|message| Error::Draw {
                    what: "image grid".into(),
                    message,
                })?;
        }
        encode_png("image grid", l.size.0, l.size.1, rgb)
    }

    fn draw_captions(&self, l: &Layout, rgb: &mut [u8]) -> Result<(), String> {
        let root = BitMapBackend::<RGBPixel>::with_buffer_and_format(rgb, l.size)
            .map_err(|e| e.to_string())?
            .into_drawing_area();
        let font = self.caption_font(l.cell.0);
        let style = TextStyle::from((FAMILY, font as f64)).pos(Pos::new(HPos::Center, VPos::Top));
        let max_chars = (l.cell.0 * 5 / (font * 3)).max(1);
        for (i, (_, caption)) in self.images.iter().enumerate() {
            let Some(caption) = caption else { continue };
            let caption = printable(caption);
            let text: String = if caption.chars().count() > max_chars {
                caption.chars().take(max_chars - 1).chain(['…']).collect()
            } else {
                caption
            };
            let (x, y) = cell_origin(l, i);
            let pos = ((x + l.cell.0 / 2) as i32, (y + l.cell.1 + font / 4) as i32);
            root.draw_text(&text, &style, pos)
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())
    }

    /// The grid as an SVG document of the grid's size, embedding the PNG of
    /// [`ImageGrid::to_png`] as a data URI.
    ///
    /// # Errors
    /// As [`ImageGrid::to_png`].
    pub fn to_svg(&self) -> Result<String, Error> {
        let (width, height) = self.layout()?.size;
        let png = self.to_png()?;
        Ok(format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" \
             xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{width}\" height=\"{height}\" \
             viewBox=\"0 0 {width} {height}\">\n<image width=\"{width}\" height=\"{height}\" \
             xlink:href=\"data:image/png;base64,{}\"/>\n</svg>\n",
            base64(&png)
        ))
    }

    /// Renders the grid in the format its extension names (`.png` or `.svg`) and writes it
    /// to `path`, atomically.
    ///
    /// # Errors
    /// [`Error::Format`] for another extension, as [`ImageGrid::to_png`], or an I/O error
    /// naming the file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let path = path.as_ref();
        let bytes = match Format::from_path(path)? {
            Format::Png => self.to_png()?,
            Format::Svg => self.to_svg()?.into_bytes(),
        };
        write_atomic(path, &bytes)
    }
}

/// The top-left pixel of the `i`-th cell's image box.
fn cell_origin(l: &Layout, i: usize) -> (usize, usize) {
    let (row, col) = (i / l.cols, i % l.cols);
    (
        l.origin.0 + GAP + col * (l.cell.0 + GAP),
        l.origin.1 + GAP + row * (l.cell.1 + l.caption + GAP),
    )
}

/// Standard base64 with padding (RFC 4648 §4).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> shift & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}
