//! [`Chart`] and [`Series`]: a 2-D chart as data, rendered to SVG.

use std::path::{Path, PathBuf};

use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// What went wrong while drawing or writing a chart.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The chart has nothing finite to draw.
    #[error("chart `{0}` has no finite point to draw")]
    Empty(String),
    /// A logarithmic axis got a value ≤ 0.
    #[error("chart `{title}`: series `{series}` has y = {value}, which a log axis cannot show")]
    LogAxis {
        /// The chart's title.
        title: String,
        /// The series.
        series: String,
        /// The offending value.
        value: f64,
    },
    /// The drawing backend failed.
    #[error("drawing chart `{title}`: {message}")]
    Draw {
        /// The chart's title.
        title: String,
        /// The backend's message.
        message: String,
    },
    /// Writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesKind {
    /// Points joined by a line, in the given order.
    Line,
    /// Unjoined markers.
    Points,
}

/// A named sequence of `(x, y)` points. Non-finite points are skipped when drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// Line or markers.
    pub kind: SeriesKind,
    /// The points.
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// A line through `points`.
    pub fn line(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            kind: SeriesKind::Line,
            points,
        }
    }

    /// Markers at `points`.
    pub fn points(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            kind: SeriesKind::Points,
            points,
        }
    }

    fn finite(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    }
}

/// A chart: title, axis labels, y scale and series.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Caption.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// Draw the y axis on a log scale (all y must be > 0).
    pub log_y: bool,
    /// What to draw, in order (later series on top).
    pub series: Vec<Series>,
    /// Size in pixels.
    pub size: (u32, u32),
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

impl Chart {
    /// An empty 720×480 chart with a title.
    pub fn new(title: impl Into<String>) -> Chart {
        Chart {
            title: title.into(),
            x_label: String::new(),
            y_label: String::new(),
            log_y: false,
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

    /// Uses a logarithmic y axis.
    pub fn log_y(mut self, log: bool) -> Chart {
        self.log_y = log;
        self
    }

    /// Adds a series.
    pub fn series(mut self, series: Series) -> Chart {
        self.series.push(series);
        self
    }

    /// The data ranges `(x_min, x_max, y_min, y_max)`, padded so that a single value still
    /// spans an interval.
    fn bounds(&self) -> Result<(f64, f64, f64, f64), Error> {
        let mut b = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for s in &self.series {
            for (x, y) in s.finite() {
                if self.log_y && y <= 0.0 {
                    return Err(Error::LogAxis {
                        title: self.title.clone(),
                        series: s.name.clone(),
                        value: y,
                    });
                }
                b = (b.0.min(x), b.1.max(x), b.2.min(y), b.3.max(y));
            }
        }
        if !b.0.is_finite() {
            return Err(Error::Empty(self.title.clone()));
        }
        let pad = |lo: f64, hi: f64| {
            if hi > lo {
                (lo, hi)
            } else {
                (lo - 0.5, hi + 0.5)
            }
        };
        let (x0, x1) = pad(b.0, b.1);
        let (y0, y1) = if self.log_y {
            if b.3 > b.2 {
                (b.2, b.3)
            } else {
                (b.2 / 2.0, b.3 * 2.0)
            }
        } else {
            pad(b.2, b.3)
        };
        let margin = if self.log_y { 0.0 } else { 0.05 * (y1 - y0) };
        Ok((x0, x1, y0 - margin, y1 + margin))
    }

    /// The chart as an SVG document.
    ///
    /// # Errors
    /// Nothing finite to draw, a log axis with a value ≤ 0, or a backend failure.
    pub fn to_svg(&self) -> Result<String, Error> {
        let bounds = self.bounds()?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size).into_drawing_area();
            self.draw(&root, bounds).map_err(|message| Error::Draw {
                title: self.title.clone(),
                message,
            })?;
            root.present().map_err(|e| Error::Draw {
                title: self.title.clone(),
                message: e.to_string(),
            })?;
        }
        Ok(svg)
    }

    /// Renders the chart and writes it to `path` (an `.svg` file).
    ///
    /// # Errors
    /// As [`Chart::to_svg`], or an I/O error naming the file.
    pub fn save_svg(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let path = path.as_ref();
        let svg = self.to_svg()?;
        std::fs::write(path, svg).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    fn draw(
        &self,
        root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
        b: (f64, f64, f64, f64),
    ) -> Result<(), String> {
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut builder = ChartBuilder::on(root);
        builder
            .caption(&self.title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64);
        if self.log_y {
            let mut chart = builder
                .build_cartesian_2d(b.0..b.1, (b.2..b.3).log_scale())
                .map_err(|e| e.to_string())?;
            self.draw_series(&mut chart)
        } else {
            let mut chart = builder
                .build_cartesian_2d(b.0..b.1, b.2..b.3)
                .map_err(|e| e.to_string())?;
            self.draw_series(&mut chart)
        }
    }

    fn draw_series<'a, 'b: 'a, Y>(
        &self,
        chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, Y>>,
    ) -> Result<(), String>
    where
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, s) in self.series.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let drawn = match s.kind {
                SeriesKind::Line => {
                    chart.draw_series(LineSeries::new(s.finite(), color.stroke_width(2)))
                }
                SeriesKind::Points => {
                    chart.draw_series(s.finite().map(|p| Circle::new(p, 3, color.filled())))
                }
            };
            drawn
                .map_err(|e| e.to_string())?
                .label(s.name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
        }
        if self.series.len() > 1 {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_lines_points_and_log_axes() {
        let chart = Chart::new("history")
            .x_label("trial")
            .y_label("value")
            .log_y(true)
            .series(Series::points(
                "value",
                vec![(0.0, 3.0), (1.0, 0.5), (2.0, f64::NAN)],
            ))
            .series(Series::line(
                "best",
                vec![(0.0, 3.0), (1.0, 0.5), (2.0, 0.5)],
            ));
        let svg = chart.to_svg().unwrap();
        assert!(svg.contains("<circle"), "markers are drawn");
        assert!(svg.contains("<polyline"), "lines are drawn");
        assert!(
            svg.contains("\ntrial\n") && svg.contains("\nbest\n"),
            "labels and legend"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.svg");
        chart.save_svg(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), svg);
    }

    #[test]
    fn errors_name_the_chart() {
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
        let e = Chart::new("io")
            .series(Series::line("a", vec![(0.0, 1.0)]))
            .save_svg("/nonexistent/dir/a.svg")
            .unwrap_err();
        assert!(e.to_string().starts_with("/nonexistent/dir/a.svg: "), "{e}");
    }
}
