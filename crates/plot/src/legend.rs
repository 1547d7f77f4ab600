//! Where a chart's legend goes: matplotlib's `loc="best"`, simplified to the four corners.

use plotters::chart::SeriesLabelPosition;
use plotters::coord::ranged1d::Ranged;

use crate::chart::Frame;
use crate::series::SeriesKind;

/// The corners tried, in order of preference on ties.
const CORNERS: [SeriesLabelPosition; 4] = [
    SeriesLabelPosition::UpperRight,
    SeriesLabelPosition::UpperLeft,
    SeriesLabelPosition::LowerRight,
    SeriesLabelPosition::LowerLeft,
];

/// The corner where a legend box of `size` (width and height as fractions of the plotting
/// area) covers the fewest markers and line samples (a line is sampled every 1 % of the
/// plotting area, so one crossing the box counts as much as the markers it hides).
pub(crate) fn best_corner(frame: &Frame, size: (f64, f64)) -> SeriesLabelPosition {
    let (w, h) = (size.0.clamp(0.0, 1.0), size.1.clamp(0.0, 1.0));
    let (xr, yr) = (frame.x.range(), frame.y.range());
    let norm = |(x, y): (f64, f64)| {
        (
            (x - xr.start) / (xr.end - xr.start),
            (y - yr.start) / (yr.end - yr.start),
        )
    };
    // Upper right, upper left, lower right, lower left: (u range, v range).
    let boxes = [
        ((1.0 - w, 1.0), (1.0 - h, 1.0)),
        ((0.0, w), (1.0 - h, 1.0)),
        ((1.0 - w, 1.0), (0.0, h)),
        ((0.0, w), (0.0, h)),
    ];
    let mut covered = [0usize; 4];
    let mut count = |(u, v): (f64, f64)| {
        for (c, ((u0, u1), (v0, v1))) in covered.iter_mut().zip(boxes) {
            *c += usize::from((u0..=u1).contains(&u) && (v0..=v1).contains(&v));
        }
    };
    for s in &frame.series {
        let points = s.points.iter().map(|&p| norm(p));
        match s.kind {
            SeriesKind::Points => points.for_each(&mut count),
            SeriesKind::Line => {
                let mut prev: Option<(f64, f64)> = None;
                for p in points {
                    if let Some(q) = prev {
                        let steps = ((p.0 - q.0).hypot(p.1 - q.1) / 0.01).clamp(1.0, 100.0);
                        let n = steps as usize;
                        for i in 1..=n {
                            let t = i as f64 / n as f64;
                            count((q.0 + t * (p.0 - q.0), q.1 + t * (p.1 - q.1)));
                        }
                    } else {
                        count(p);
                    }
                    prev = Some(p);
                }
            }
        }
    }
    let best = (0..4).min_by_key(|&i| covered[i]).unwrap_or(0);
    CORNERS[best].clone()
}
