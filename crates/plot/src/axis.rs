//! [`AxisKind`]: how an axis maps values and where its ticks go; and the `Scale` that
//! plotters draws with (range, ticks and their labels, all computed here so that no input can
//! make plotters' own tick search misbehave).

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

/// How an axis maps values to positions and labels its ticks.
///
/// ```
/// use gradus_plot::{AxisKind, Chart, Series};
/// // Epochs 1..=3: ticks at 1, 2 and 3 only, labelled without decimals.
/// let svg = Chart::new("loss")
///     .x_axis(AxisKind::Integer)
///     .series(Series::line("loss", vec![(1.0, 0.9), (2.0, 0.5), (3.0, 0.4)]))
///     .to_svg()
///     .unwrap();
/// assert!(svg.contains(">\n2\n</text>") && !svg.contains(">\n1.5\n</text>"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub enum AxisKind {
    /// Linear, ticks at round numbers (1, 2 or 5 × 10^k apart).
    #[default]
    Linear,
    /// Linear, ticks only at integers (1, 2 or 5 × 10^k apart, at least 1), labelled without
    /// decimals: epochs, trial numbers.
    Integer,
    /// Logarithmic (base 10); every value must be > 0. Ticks at powers of ten, or at round
    /// numbers when the data span less than a decade.
    Log,
    /// Categories: the value `i` is drawn at position `i` and labelled with the `i`-th name
    /// (values are indices `0..names.len()`).
    Categorical(Vec<String>),
}

impl AxisKind {
    /// The position a value is plotted at (`log10` for [`AxisKind::Log`]).
    pub(crate) fn position(&self, value: f64) -> f64 {
        match self {
            AxisKind::Log => value.log10(),
            _ => value,
        }
    }
}

/// At most this many labelled ticks per axis.
const MAX_TICKS: usize = 12;

/// An axis as drawn: the plotted range (in positions), the ticks and their labels, and the
/// light grid lines (log axes only).
#[derive(Clone, Debug)]
pub(crate) struct Scale {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    labels: Vec<String>,
    minor: Vec<f64>,
}

impl Scale {
    /// The scale for positions in `[lo, hi]` (finite, `lo ≤ hi`), with about `target` ticks.
    /// `None` when the padded range is not finite.
    pub(crate) fn new(kind: &AxisKind, lo: f64, hi: f64, target: usize) -> Option<Scale> {
        let target = target.clamp(2, MAX_TICKS);
        let (lo, hi) = padded(kind, lo, hi)?;
        let mut scale = Scale {
            lo,
            hi,
            ticks: Vec::new(),
            labels: Vec::new(),
            minor: Vec::new(),
        };
        match kind {
            AxisKind::Linear => scale.round_ticks(target, 1e-300),
            AxisKind::Integer => scale.round_ticks(target, 1.0),
            AxisKind::Log => scale.log_ticks(target),
            AxisKind::Categorical(names) => {
                let every = names.len().div_ceil(MAX_TICKS * 2).max(1);
                for (i, name) in names.iter().enumerate().step_by(every) {
                    scale.ticks.push(i as f64);
                    scale.labels.push(crate::chart::printable(name));
                }
            }
        }
        Some(scale)
    }

    /// The longest tick label, in characters.
    pub(crate) fn widest_label(&self) -> usize {
        self.labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(1)
    }

    /// Ticks at multiples of a round step no smaller than `min_step`.
    fn round_ticks(&mut self, target: usize, min_step: f64) {
        let step = nice_step((self.hi - self.lo) / target as f64).max(min_step);
        let Some(ticks) = multiples(self.lo, self.hi, step) else {
            return;
        };
        let integer = min_step >= 1.0;
        let style = NumberStyle::new(self.lo.abs().max(self.hi.abs()), step);
        self.labels = ticks
            .iter()
            .map(|&v| {
                if integer {
                    format!("{:.0}", v + 0.0)
                } else {
                    style.format(v, step)
                }
            })
            .collect();
        self.ticks = ticks;
    }

    /// Ticks at powers of ten, else at round values of the (un-logged) data.
    fn log_ticks(&mut self, target: usize) {
        let step = nice_step((self.hi - self.lo) / target as f64).max(1.0);
        if let Some(decades) = multiples(self.lo, self.hi, step).filter(|d| d.len() >= 2) {
            if step == 1.0 {
                let (first, last) = (self.lo.floor(), self.hi.ceil());
                let mut k = first;
                while k <= last {
                    for m in 2..10 {
                        let p = k + f64::from(m).log10();
                        if p > self.lo && p < self.hi {
                            self.minor.push(p);
                        }
                    }
                    k += 1.0;
                }
            }
            self.labels = decades.iter().map(|&k| general(10f64.powf(k))).collect();
            self.ticks = decades;
            return;
        }
        let (vlo, vhi) = (10f64.powf(self.lo), 10f64.powf(self.hi));
        let step = nice_step((vhi - vlo) / target as f64);
        let Some(values) = multiples(vlo, vhi, step) else {
            return;
        };
        let style = NumberStyle::new(vhi, step);
        for v in values.into_iter().filter(|v| *v > 0.0) {
            self.ticks.push(v.log10().clamp(self.lo, self.hi));
            self.labels.push(style.format(v, step));
        }
    }
}

/// The plotted range: the data plus a 5 % margin (half a unit at least on integer axes, half
/// a category around categories); a single value gets an interval around it.
fn padded(kind: &AxisKind, mut lo: f64, mut hi: f64) -> Option<(f64, f64)> {
    if let AxisKind::Categorical(names) = kind {
        if !names.is_empty() {
            lo = lo.min(0.0);
            hi = hi.max((names.len() - 1) as f64);
        }
        let (lo, hi) = (lo - 0.5, hi + 0.5);
        return (lo.is_finite() && hi.is_finite() && hi - lo > 0.0).then_some((lo, hi));
    }
    let span = hi - lo;
    let magnitude = lo.abs().max(hi.abs());
    let margin = if span <= magnitude * 1e-12 {
        // One value (or a spread below float resolution): an interval around it.
        match kind {
            AxisKind::Log => 0.5,
            _ => (magnitude * 0.1).max(0.5),
        }
    } else {
        let m = span * 0.05;
        match kind {
            AxisKind::Integer => m.max(0.5),
            _ => m,
        }
    };
    let (lo, hi) = (lo - margin, hi + margin);
    let finite = lo.is_finite() && hi.is_finite() && (hi - lo).is_finite();
    (finite && hi - lo > magnitude * 1e-12).then_some((lo, hi))
}

/// The round step (1, 2 or 5 × 10^k) nearest above `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let base = 10f64.powf(raw.log10().floor());
    let m = raw / base;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * base
}

/// The multiples of `step` in `[lo, hi]`, when there are at most a few dozen.
fn multiples(lo: f64, hi: f64, step: f64) -> Option<Vec<f64>> {
    let (first, last) = ((lo / step).ceil(), (hi / step).floor());
    let count = last - first + 1.0;
    if !(count.is_finite() && (0.0..=(4 * MAX_TICKS) as f64).contains(&count)) {
        return None;
    }
    Some(
        (0..count as usize)
            .map(|i| (first + i as f64) * step)
            .filter(|v| (lo..=hi).contains(v))
            .collect(),
    )
}

/// Fixed decimals or scientific notation, chosen once per axis.
enum NumberStyle {
    Fixed(usize),
    Scientific(usize),
}

impl NumberStyle {
    fn new(magnitude: f64, step: f64) -> NumberStyle {
        let digits = |x: f64| x.log10().floor();
        if (1e-3..1e6).contains(&magnitude) {
            NumberStyle::Fixed((-digits(step)).clamp(0.0, 12.0) as usize)
        } else {
            NumberStyle::Scientific((digits(magnitude) - digits(step)).clamp(0.0, 12.0) as usize)
        }
    }

    fn format(&self, v: f64, step: f64) -> String {
        let v = if v.abs() < step * 1e-6 { 0.0 } else { v };
        match *self {
            NumberStyle::Fixed(d) => format!("{v:.d$}"),
            NumberStyle::Scientific(d) => format!("{v:.d$e}"),
        }
    }
}

/// A value to four significant digits, as short as it can be written (`0.001`, `2e-5`).
fn general(v: f64) -> String {
    let r: f64 = format!("{v:.3e}").parse().unwrap_or(v);
    if (1e-4..1e6).contains(&r.abs()) {
        format!("{r}")
    } else {
        format!("{r:e}")
    }
}

impl Ranged for Scale {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = (value - self.lo) / (self.hi - self.lo);
        let px = f64::from(limit.0) + t * f64::from(limit.1 - limit.0);
        // `as` saturates (and sends NaN to 0): no position overflows.
        (px + 1e-3).floor() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Scale {
    fn format_ext(&self, value: &f64) -> String {
        match self
            .ticks
            .iter()
            .position(|t| t.to_bits() == value.to_bits())
        {
            Some(i) => self.labels[i].clone(),
            None => general(*value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(kind: &AxisKind, lo: f64, hi: f64) -> Vec<String> {
        Scale::new(kind, lo, hi, 8).unwrap().labels
    }

    #[test]
    fn integer_axes_tick_at_integers_only() {
        assert_eq!(labels(&AxisKind::Integer, 1.0, 3.0), ["1", "2", "3"]);
        assert_eq!(labels(&AxisKind::Integer, 1.0, 1.0), ["1"]);
        assert_eq!(
            labels(&AxisKind::Integer, 0.0, 100.0)[..3],
            ["0", "20", "40"]
        );
        assert_eq!(
            labels(&AxisKind::Linear, 0.0, 1.0)[..3],
            ["0.0", "0.2", "0.4"]
        );
    }

    #[test]
    fn log_axes_tick_at_powers_of_ten_or_round_values() {
        let l = |lo: f64, hi: f64| labels(&AxisKind::Log, lo.log10(), hi.log10());
        assert_eq!(l(1e-4, 1.0), ["0.0001", "0.001", "0.01", "0.1", "1"]);
        assert_eq!(l(1e-9, 1e-5)[0], "1e-9");
        assert_eq!(
            l(2.0, 5.0),
            ["2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0"]
        );
    }

    #[test]
    fn categories_label_their_indices() {
        let kind = AxisKind::Categorical(vec!["relu".into(), "tanh".into()]);
        let s = Scale::new(&kind, 1.0, 1.0, 8).unwrap();
        assert_eq!((s.lo, s.hi), (-0.5, 1.5));
        assert_eq!(s.ticks, [0.0, 1.0]);
        assert_eq!(s.format_ext(&1.0), "tanh");
    }

    #[test]
    fn hostile_ranges_give_none_or_few_ticks() {
        assert!(Scale::new(&AxisKind::Linear, -f64::MAX, f64::MAX, 8).is_none());
        assert!(Scale::new(&AxisKind::Linear, f64::MAX, f64::MAX, 8).is_none());
        let s = Scale::new(&AxisKind::Linear, 1e16, 1e16 + 2.0, 8).unwrap();
        assert!(s.ticks.len() <= 4 * MAX_TICKS);
        let s = Scale::new(&AxisKind::Integer, 0.1, 0.2, 8).unwrap();
        assert!(s.labels.iter().all(|l| !l.contains('.')));
    }
}
