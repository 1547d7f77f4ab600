//! [`Chart`]: a 2-D chart as data (title, axis labels and kinds, series, size), and the
//! checked `Frame` it becomes before drawing.

use crate::axis::{AxisKind, Scale};
use crate::error::{Axis, Error};
use crate::series::{Rgb, Series, SeriesKind};

/// The smallest width or height, in pixels, of a chart or an image grid.
pub const MIN_SIDE: u32 = 64;
/// The largest width or height, in pixels, of a chart or an image grid.
pub const MAX_SIDE: u32 = 8192;

/// A chart: title, axis labels, axis kinds, series and size in pixels.
///
/// Build it with the methods below, then render it with [`Chart::to_svg`] /
/// [`Chart::to_png`] or write it with [`Chart::save`]. Nothing is checked until then.
///
/// ```
/// use gradus_plot::{AxisKind, Chart, Series};
/// let chart = Chart::new("learning rate")
///     .x_label("lr")
///     .x_axis(AxisKind::Log)
///     .size(400, 300)
///     .series(Series::points("trials", vec![(1e-4, 0.5), (1e-2, 0.3), (0.1, 0.4)]));
/// assert_eq!(chart.size, (400, 300));
/// let png = chart.to_png().unwrap();
/// assert_eq!(&png[1..4], b"PNG");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Caption.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// How the x axis maps values and places its ticks.
    pub x_axis: AxisKind,
    /// How the y axis maps values and places its ticks.
    pub y_axis: AxisKind,
    /// What to draw, in order (later series on top).
    pub series: Vec<Series>,
    /// Width and height in pixels, each in [`MIN_SIDE`]`..=`[`MAX_SIDE`].
    pub size: (u32, u32),
}

impl Chart {
    /// An empty 720×480 chart with a title and linear axes.
    pub fn new(title: impl Into<String>) -> Chart {
        Chart {
            title: title.into(),
            x_label: String::new(),
            y_label: String::new(),
            x_axis: AxisKind::Linear,
            y_axis: AxisKind::Linear,
            series: Vec::new(),
            size: (720, 480),
        }
    }

    /// Sets the x label.
    pub fn x_label(mut self, label: impl Into<String>) -> Chart {
        self.x_label = label.into();
        self
    }

    /// Sets the y label.
    pub fn y_label(mut self, label: impl Into<String>) -> Chart {
        self.y_label = label.into();
        self
    }

    /// Sets how the x axis maps values ([`AxisKind::Integer`] for epochs and trials,
    /// [`AxisKind::Log`] for log-scaled hyperparameters).
    pub fn x_axis(mut self, kind: AxisKind) -> Chart {
        self.x_axis = kind;
        self
    }

    /// Sets how the y axis maps values.
    pub fn y_axis(mut self, kind: AxisKind) -> Chart {
        self.y_axis = kind;
        self
    }

    /// A logarithmic y axis when `log` is true, a linear one otherwise (shorthand for
    /// [`Chart::y_axis`]).
    pub fn log_y(self, log: bool) -> Chart {
        self.y_axis(if log { AxisKind::Log } else { AxisKind::Linear })
    }

    /// A categorical x axis: x = `i` is drawn at the `i`-th of `names`, labelled with it.
    ///
    /// ```
    /// use gradus_plot::{Chart, Series};
    /// let svg = Chart::new("activation")
    ///     .x_categories(vec!["relu".into(), "tanh".into()])
    ///     .series(Series::points("trials", vec![(0.0, 0.3), (1.0, 0.5), (1.0, 0.4)]))
    ///     .to_svg()
    ///     .unwrap();
    /// assert!(svg.contains(">\nrelu\n</text>") && svg.contains(">\ntanh\n</text>"));
    /// ```
    pub fn x_categories(self, names: Vec<String>) -> Chart {
        self.x_axis(AxisKind::Categorical(names))
    }

    /// Adds a series.
    pub fn series(mut self, series: Series) -> Chart {
        self.series.push(series);
        self
    }

    /// Sets the size in pixels (checked when rendering: each side in
    /// [`MIN_SIDE`]`..=`[`MAX_SIDE`]).
    pub fn size(mut self, width: u32, height: u32) -> Chart {
        self.size = (width, height);
        self
    }

    /// ``chart `title` ``, for error messages.
    pub(crate) fn what(&self) -> String {
        format!("chart `{}`", self.title)
    }

    /// The checked size.
    pub(crate) fn checked_size(&self) -> Result<(u32, u32), Error> {
        check_size(&self.what(), self.size)
    }

    /// The series in plotting positions, with their colours, and the two scales.
    pub(crate) fn frame(&self) -> Result<Frame, Error> {
        let (width, height) = self.checked_size()?;
        let mut series = Vec::with_capacity(self.series.len());
        let mut bounds = [(f64::INFINITY, f64::NEG_INFINITY); 2];
        for (i, s) in self.series.iter().enumerate() {
            let mut points = Vec::with_capacity(s.points.len());
            for (x, y) in s.finite() {
                let px = self.position(Axis::X, &self.x_axis, s, x)?;
                let py = self.position(Axis::Y, &self.y_axis, s, y)?;
                for (b, v) in bounds.iter_mut().zip([px, py]) {
                    *b = (b.0.min(v), b.1.max(v));
                }
                points.push((px, py));
            }
            series.push(Drawn {
                name: printable(&s.name),
                kind: s.kind,
                color: s.color.unwrap_or(Rgb::PALETTE[i % Rgb::PALETTE.len()]),
                points,
            });
        }
        if !bounds[0].0.is_finite() {
            return Err(Error::Empty(self.title.clone()));
        }
        let scale = |axis: Axis, kind: &AxisKind, (lo, hi): (f64, f64), px: u32, per: u32| {
            Scale::new(kind, lo, hi, (px / per) as usize).ok_or_else(|| Error::Range {
                title: self.title.clone(),
                axis,
                low: lo,
                high: hi,
            })
        };
        Ok(Frame {
            title: printable(&self.title),
            x_label: printable(&self.x_label),
            y_label: printable(&self.y_label),
            x: scale(Axis::X, &self.x_axis, bounds[0], width, 90)?,
            y: scale(Axis::Y, &self.y_axis, bounds[1], height, 50)?,
            series,
        })
    }

    fn position(&self, axis: Axis, kind: &AxisKind, s: &Series, v: f64) -> Result<f64, Error> {
        if *kind == AxisKind::Log && v <= 0.0 {
            return Err(Error::LogAxis {
                title: self.title.clone(),
                series: s.name.clone(),
                axis,
                value: v,
            });
        }
        Ok(kind.position(v))
    }
}

/// `size` when both sides are in [`MIN_SIDE`]`..=`[`MAX_SIDE`].
pub(crate) fn check_size(what: &str, (width, height): (u32, u32)) -> Result<(u32, u32), Error> {
    let ok = |side: u32| (MIN_SIDE..=MAX_SIDE).contains(&side);
    if ok(width) && ok(height) {
        Ok((width, height))
    } else {
        Err(Error::Size {
            what: what.to_owned(),
            width: width.into(),
            height: height.into(),
        })
    }
}

/// A series ready to draw: finite points in plotting positions, its colour.
pub(crate) struct Drawn {
    pub(crate) name: String,
    pub(crate) kind: SeriesKind,
    pub(crate) color: Rgb,
    pub(crate) points: Vec<(f64, f64)>,
}

/// `text` with the characters an SVG (XML) file cannot hold, and that no font draws
/// (control characters, U+FFFE, U+FFFF), replaced by spaces.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// A chart checked and ready to draw: its texts printable, its series in positions.
pub(crate) struct Frame {
    pub(crate) title: String,
    pub(crate) x_label: String,
    pub(crate) y_label: String,
    pub(crate) x: Scale,
    pub(crate) y: Scale,
    pub(crate) series: Vec<Drawn>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_chart_and_the_fix() {
        let e = Chart::new("empty")
            .series(Series::line("x", vec![(f64::NAN, 1.0)]))
            .to_svg()
            .unwrap_err();
        assert_eq!(e.to_string(), "chart `empty` has no finite point to draw");
        let e = Chart::new("log")
            .log_y(true)
            .series(Series::line("loss", vec![(0.0, -1.0)]))
            .to_svg()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "chart `log`: series `loss` has y = -1, which a log axis cannot show"
        );
        let e = Chart::new("lr")
            .x_axis(AxisKind::Log)
            .series(Series::points("trials", vec![(0.0, 1.0)]))
            .to_png()
            .unwrap_err();
        assert!(e.to_string().contains("has x = 0"), "{e}");
        let e = Chart::new("wide")
            .series(Series::line("a", vec![(0.0, -f64::MAX), (1.0, f64::MAX)]))
            .to_png()
            .unwrap_err();
        assert!(
            e.to_string().starts_with("chart `wide`: the y values span"),
            "{e}"
        );
        for size in [(10, 480), (720, 0), (9000, 480)] {
            let e = Chart::new("tiny")
                .size(size.0, size.1)
                .series(Series::line("a", vec![(0.0, 1.0)]))
                .to_png()
                .unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "chart `tiny`: size {}×{} px is outside 64..=8192 px per side; \
                     ask for a size in that range",
                    size.0, size.1
                )
            );
        }
    }
}
