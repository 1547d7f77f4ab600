//! Drawing a [`Chart`] with plotters: [`Chart::to_svg`] and [`Chart::to_png`], one drawing
//! routine for both backends. Fonts, margins, markers and lines scale with the size.

use plotters::backend::RGBPixel;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::chart::{Chart, Frame};
use crate::error::Error;
use crate::font::{self, FAMILY};
use crate::legend;
use crate::output;
use crate::series::SeriesKind;

impl Chart {
    /// The chart as an SVG document of [`Chart::size`] (its `width` and `height` attributes).
    /// Text is left to the viewer's `sans-serif` font.
    ///
    /// # Errors
    /// A size outside [`MIN_SIDE`](crate::MIN_SIDE)`..=`[`MAX_SIDE`](crate::MAX_SIDE), nothing
    /// finite to draw, a log axis with a value ≤ 0, values spanning more than a float can
    /// measure, or a backend failure; each message names the chart.
    pub fn to_svg(&self) -> Result<String, Error> {
        let frame = self.frame()?;
        font::ensure()?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size).into_drawing_area();
            draw(self, &frame, &root).map_err(|message| self.draw_error(message))?;
            root.present().map_err(|e| self.draw_error(e.to_string()))?;
        }
        Ok(svg)
    }

    /// The chart as a PNG image (8-bit RGB) of [`Chart::size`], text drawn with the bundled
    /// DejaVu Sans.
    ///
    /// ```
    /// use gradus_plot::{Chart, Series};
    /// let png = Chart::new("loss")
    ///     .size(320, 200)
    ///     .series(Series::line("loss", vec![(1.0, 0.9), (2.0, 0.5)]))
    ///     .to_png()
    ///     .unwrap();
    /// // The IHDR chunk holds the width and height, big-endian.
    /// assert_eq!(&png[16..24], &[0, 0, 1, 64, 0, 0, 0, 200]);
    /// ```
    ///
    /// # Errors
    /// As [`Chart::to_svg`], or a PNG encoding failure.
    pub fn to_png(&self) -> Result<Vec<u8>, Error> {
        let frame = self.frame()?;
        font::ensure()?;
        let (width, height) = self.size;
        let mut rgb = vec![255u8; width as usize * height as usize * 3];
        {
            let backend =
                BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut rgb, (width, height))
                    .map_err(|e| self.draw_error(e.to_string()))?;
            let root = backend.into_drawing_area();
            draw(self, &frame, &root).map_err(|message| self.draw_error(message))?;
            root.present().map_err(|e| self.draw_error(e.to_string()))?;
        }
        output::encode_png(&self.what(), width, height, rgb)
    }

    fn draw_error(&self, message: String) -> Error {
        Error::Draw {
            what: self.what(),
            message,
        }
    }
}

/// Sizes in pixels for a chart of a given size: 1 at 720×480.
struct Layout {
    caption: f64,
    tick: f64,
    desc: f64,
    margin: u32,
    x_area: u32,
    y_area: u32,
    marker: i32,
    line: u32,
    legend_len: i32,
}

impl Layout {
    fn new((width, height): (u32, u32), frame: &Frame) -> Layout {
        let s = (f64::from(width) / 720.0)
            .min(f64::from(height) / 480.0)
            .clamp(0.3, 4.0);
        let (tick, desc) = (14.0 * s, 15.0 * s);
        let y_area = frame.y.widest_label() as f64 * tick * 0.62 + desc * 1.4 + 14.0 * s;
        Layout {
            caption: 22.0 * s,
            tick,
            desc,
            margin: (12.0 * s) as u32,
            x_area: (tick * 1.3 + desc * 1.5 + 10.0 * s) as u32,
            y_area: y_area.min(f64::from(width) * 0.4) as u32,
            marker: (3.5 * s).round().max(1.0) as i32,
            line: (2.0 * s).round().max(1.0) as u32,
            legend_len: (20.0 * s) as i32,
        }
    }
}

impl Layout {
    /// The legend box's width and height as fractions of the plotting area (estimated from
    /// the label lengths, with the space between the box and the axes).
    fn legend_box(&self, (width, height): (u32, u32), frame: &Frame) -> (f64, f64) {
        let plot_w = f64::from(width) - f64::from(self.y_area + 2 * self.margin);
        let plot_h =
            f64::from(height) - f64::from(self.x_area + 2 * self.margin) - self.caption * 1.3;
        let chars = frame
            .series
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0);
        let m = f64::from(self.margin);
        let box_w = f64::from(self.legend_len + self.marker * 2) + chars as f64 * self.tick * 0.6;
        let box_h = frame.series.len() as f64 * self.tick * 1.3;
        (
            (box_w + 3.0 * m) / plot_w.max(1.0),
            (box_h + 3.0 * m) / plot_h.max(1.0),
        )
    }
}

/// Draws `frame` on `root`: background, caption, axes, series, legend (for two series or more,
/// in the corner where it hides the least).
fn draw<DB: DrawingBackend>(
    chart: &Chart,
    frame: &Frame,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    let l = Layout::new(chart.size, frame);
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut cc = ChartBuilder::on(root)
        .caption(&frame.title, (FAMILY, l.caption))
        .margin(l.margin)
        .x_label_area_size(l.x_area)
        .y_label_area_size(l.y_area)
        .build_cartesian_2d(frame.x.clone(), frame.y.clone())
        .map_err(|e| e.to_string())?;
    let mut mesh = cc.configure_mesh();
    mesh.label_style((FAMILY, l.tick))
        .axis_desc_style((FAMILY, l.desc));
    if !frame.x_label.is_empty() {
        mesh.x_desc(&frame.x_label);
    }
    if !frame.y_label.is_empty() {
        mesh.y_desc(&frame.y_label);
    }
    mesh.draw().map_err(|e| e.to_string())?;
    for s in &frame.series {
        let color = RGBColor(s.color.0, s.color.1, s.color.2);
        let (r, lw, len) = (l.marker, l.line, l.legend_len);
        match s.kind {
            SeriesKind::Line => {
                cc.draw_series(LineSeries::new(
                    s.points.iter().copied(),
                    color.stroke_width(lw),
                ))
                .map_err(|e| e.to_string())?
                .label(s.name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + len, y)], color.stroke_width(lw))
                });
            }
            SeriesKind::Points => {
                cc.draw_series(s.points.iter().map(|&p| Circle::new(p, r, color.filled())))
                    .map_err(|e| e.to_string())?
                    .label(s.name.as_str())
                    .legend(move |(x, y)| Circle::new((x + len / 2, y), r, color.filled()));
            }
        }
    }
    if frame.series.len() > 1 {
        cc.configure_series_labels()
            .position(legend::best_corner(frame, l.legend_box(chart.size, frame)))
            .label_font((FAMILY, l.tick))
            .legend_area_size(l.legend_len + l.marker * 2)
            .margin(l.margin)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
