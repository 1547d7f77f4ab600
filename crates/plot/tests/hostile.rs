//! Hostile input: any values (NaN, ±inf, ±1e308, subnormals, empty series), any axis kinds
//! and any sizes give `Ok` or `Err`, never a panic; an `Ok` PNG decodes to the chart's size.

use gradus_plot::{AxisKind, Chart, GridImage, ImageGrid, Series};
use proptest::prelude::*;

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(f64::MAX),
        1 => Just(-f64::MAX),
        1 => Just(1e308),
        1 => Just(-1e308),
        1 => Just(5e-324),
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => Just(1e16),
        1 => Just(1e16 + 2.0),
        8 => -10.0..10.0f64,
        8 => 1e-3..1e3f64,
        2 => any::<f64>(),
    ]
}

fn axis() -> impl Strategy<Value = AxisKind> {
    prop_oneof![
        3 => Just(AxisKind::Linear),
        2 => Just(AxisKind::Integer),
        1 => Just(AxisKind::Log),
        2 => prop::collection::vec("[\u{0}-\u{1f}a-z&<\u{1F600}]{0,12}", 0..6)
            .prop_map(AxisKind::Categorical),
    ]
}

fn side() -> impl Strategy<Value = u32> {
    prop_oneof![
        1 => Just(0u32),
        1 => Just(63),
        1 => Just(64),
        1 => Just(8193),
        1 => Just(u32::MAX),
        30 => 64..400u32,
    ]
}

fn series() -> impl Strategy<Value = Series> {
    (
        "[\u{0}-\u{1f} -~]{0,16}",
        any::<bool>(),
        prop::collection::vec((value(), value()), 0..12),
    )
        .prop_map(|(name, line, points)| {
            if line {
                Series::line(name, points)
            } else {
                Series::points(name, points)
            }
        })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 400,
        rng_seed: proptest::test_runner::RngSeed::Fixed(11),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn charts_of_any_values_and_sizes_render_or_fail_cleanly(
        title in "[\u{0}-\u{1f} -~\u{7f}\u{e9}\u{4e2d}\u{fffe}\u{ffff}]{0,30}",
        x_axis in axis(),
        y_axis in axis(),
        series in prop::collection::vec(series(), 0..4),
        width in side(),
        height in side(),
    ) {
        let chart = series.into_iter().fold(
            Chart::new(title).x_axis(x_axis).y_axis(y_axis).size(width, height),
            Chart::series,
        );
        if let Ok(png) = chart.to_png() {
            let img = image::load_from_memory(&png).expect("a valid PNG");
            prop_assert_eq!((img.width(), img.height()), (width, height));
        }
        if let Ok(svg) = chart.to_svg() {
            let head = format!("<svg width=\"{width}\" height=\"{height}\"");
            prop_assert!(svg.starts_with(&head), "{}", &svg[..80.min(svg.len())]);
            // Only characters XML allows.
            let bad = |c: char| (c.is_control() && c != '\n') || c == '\u{fffe}' || c == '\u{ffff}';
            prop_assert!(!svg.contains(bad), "{svg}");
        }
    }

    #[test]
    fn image_grids_of_any_shapes_render_or_fail_cleanly(
        images in prop::collection::vec(
            (0..40usize, 0..40usize, 0..5usize, -2..3isize, prop::option::of("[ -~]{0,20}")),
            0..8,
        ),
        cols in 0..6usize,
        size in prop::option::of((side(), side())),
        fill in prop_oneof![Just(f32::NAN), Just(-1e30f32), Just(300.0f32), 0.0..255.0f32],
    ) {
        let mut grid = ImageGrid::new(cols);
        for (h, w, c, extra, caption) in images {
            let len = (h * w * c).saturating_add_signed(extra);
            let Ok(img) = GridImage::from_f32([h, w, c], &vec![fill; len]) else { continue };
            grid = match caption {
                Some(caption) => grid.captioned(img, caption),
                None => grid.image(img),
            };
        }
        if let Some((w, h)) = size {
            grid = grid.size(w, h);
        }
        if let Ok(png) = grid.to_png() {
            let img = image::load_from_memory(&png).expect("a valid PNG");
            let expected = match size {
                Some(size) => size,
                None => grid.natural_size().unwrap(),
            };
            prop_assert_eq!((img.width(), img.height()), expected);
            prop_assert!(grid.to_svg().is_ok());
        }
    }
}
