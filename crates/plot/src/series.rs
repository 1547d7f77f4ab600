//! [`Series`]: a named sequence of points drawn as a line or as markers, in a colour.

/// An sRGB colour, 8 bits per channel.
///
/// ```
/// use gradus_plot::Rgb;
/// assert_eq!(Rgb::BLUE, Rgb(31, 119, 180));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// matplotlib's `tab:blue`, the first colour of the palette.
    pub const BLUE: Rgb = Rgb(31, 119, 180);
    /// matplotlib's `tab:orange`.
    pub const ORANGE: Rgb = Rgb(255, 127, 14);
    /// matplotlib's `tab:green`.
    pub const GREEN: Rgb = Rgb(44, 160, 44);
    /// matplotlib's `tab:red`.
    pub const RED: Rgb = Rgb(214, 39, 40);
    /// matplotlib's `tab:purple`.
    pub const PURPLE: Rgb = Rgb(148, 103, 189);
    /// matplotlib's `tab:brown`.
    pub const BROWN: Rgb = Rgb(140, 86, 75);

    /// The colours given in turn to series without an explicit one (matplotlib's `tab10`
    /// order).
    pub const PALETTE: [Rgb; 6] = [
        Rgb::BLUE,
        Rgb::ORANGE,
        Rgb::GREEN,
        Rgb::RED,
        Rgb::PURPLE,
        Rgb::BROWN,
    ];
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesKind {
    /// Points joined by a line, in the given order. The legend shows a line.
    Line,
    /// Unjoined markers. The legend shows a marker.
    Points,
}

/// A named sequence of `(x, y)` points. Non-finite points are skipped when drawing.
///
/// ```
/// use gradus_plot::{Rgb, Series, SeriesKind};
/// let s = Series::points("data", vec![(0.0, 1.0), (1.0, f64::NAN)]).color(Rgb::BLUE);
/// assert_eq!((s.kind, s.color), (SeriesKind::Points, Some(Rgb::BLUE)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// Line or markers.
    pub kind: SeriesKind,
    /// The points.
    pub points: Vec<(f64, f64)>,
    /// The colour; `None` takes the next one of [`Rgb::PALETTE`] (by the series' position).
    pub color: Option<Rgb>,
}

impl Series {
    /// A line through `points`.
    pub fn line(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            kind: SeriesKind::Line,
            points,
            color: None,
        }
    }

    /// Markers at `points`.
    pub fn points(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            kind: SeriesKind::Points,
            points,
            color: None,
        }
    }

    /// Draws the series in `color` instead of the palette's.
    pub fn color(mut self, color: Rgb) -> Series {
        self.color = Some(color);
        self
    }

    /// The points with both coordinates finite.
    pub(crate) fn finite(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    }
}
