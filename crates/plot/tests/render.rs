//! Rendered output checked from the outside: PNG decoded with the `image` crate, SVG read as
//! text. Colours, legends, tick labels and sizes are what a reader of the figure sees.

use gradus_plot::{AxisKind, Chart, Error, GridImage, ImageGrid, Rgb, Series};

fn decode(png: &[u8]) -> image::RgbImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("a valid PNG")
        .to_rgb8()
}

/// The texts of an SVG document, in order.
fn svg_texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find(">\n")? + 2..];
            Some(&body[..body.find("\n</text>")?])
        })
        .collect()
}

/// The `width` and `height` attributes of the root `<svg>` element.
fn svg_size(svg: &str) -> (u32, u32) {
    let head = &svg[..svg.find('>').unwrap()];
    let attr = |name: &str| -> u32 {
        let from = head.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        head[from..].split('"').next().unwrap().parse().unwrap()
    };
    (attr("width"), attr("height"))
}

fn course_figure() -> Chart {
    let x: Vec<f64> = (0..20).map(|i| f64::from(i) / 4.0).collect();
    let data = x
        .iter()
        .map(|&x| (x, 2.0 * x + 1.0 + (x * 7.0).sin()))
        .collect();
    Chart::new("data and fitted line")
        .x_label("x")
        .y_label("y")
        .series(Series::points("data", data).color(Rgb(0, 0, 255)))
        .series(Series::line("fit", vec![(0.0, 1.0), (4.75, 10.5)]).color(Rgb(255, 0, 0)))
}

#[test]
fn png_and_svg_have_the_requested_size() {
    for (w, h) in [
        (64, 64),
        (720, 480),
        (1000, 300),
        (200, 900),
        (8192, 64),
        (64, 8192),
    ] {
        let chart = course_figure().size(w, h);
        let img = decode(&chart.to_png().unwrap());
        assert_eq!(img.dimensions(), (w, h));
        assert_eq!(svg_size(&chart.to_svg().unwrap()), (w, h));
    }
}

#[test]
fn fitted_line_png_shows_blue_points_red_line_and_a_legend() {
    let img = decode(&course_figure().to_png().unwrap());
    let count =
        |f: &dyn Fn(u8, u8, u8) -> bool| img.pixels().filter(|p| f(p[0], p[1], p[2])).count();
    let blue = count(&|r, g, b| b > 200 && r < 80 && g < 80);
    let red = count(&|r, g, b| r > 200 && g < 80 && b < 80);
    let dark = count(&|r, g, b| r < 60 && g < 60 && b < 60);
    assert!(
        blue > 20 * 20,
        "20 markers of ~30 px each: {blue} blue pixels"
    );
    assert!(red > 300, "a line across the chart: {red} red pixels");
    assert!(dark > 1000, "axes, ticks and text: {dark} dark pixels");
    // The legend names both series, a marker for the points and a line for the fit.
    let svg = course_figure().to_svg().unwrap();
    let texts = svg_texts(&svg);
    assert!(
        texts.contains(&"data") && texts.contains(&"fit"),
        "{texts:?}"
    );
    let drawn = |tag: &str, colour: &str| {
        svg.split(tag)
            .skip(1)
            .filter(|t| t[..t.find('>').unwrap()].contains(colour))
            .count()
    };
    assert_eq!(
        drawn("<circle", "#0000FF"),
        20 + 1,
        "20 markers and one in the legend"
    );
    assert_eq!(
        drawn("<polyline", "#FF0000"),
        1 + 1,
        "the fit and its legend line"
    );
    assert_eq!(
        drawn("<circle", "#FF0000") + drawn("<polyline", "#0000FF"),
        0
    );
}

#[test]
fn a_legend_shows_points_as_points_and_lines_as_lines() {
    let chart = Chart::new("history")
        .series(Series::points("value", vec![(0.0, 3.0), (1.0, 2.0)]))
        .series(Series::line("best", vec![(0.0, 3.0), (1.0, 2.0)]));
    let svg = chart.to_svg().unwrap();
    // Markers and lines in the palette's first and second colours; axes and ticks are black.
    assert_eq!(svg.matches("<circle").count(), 2 + 1);
    assert_eq!(svg.matches("fill=\"#1F77B4\"").count(), 2 + 1);
    assert_eq!(svg.matches("stroke=\"#FF7F0E\"").count(), 1 + 1);
}

/// The texts drawn centred and upright (the title, the x label and the x tick labels).
fn centred_texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .filter(|t| {
            let attrs = &t[..t.find('>').unwrap()];
            attrs.contains("text-anchor=\"middle\"") && !attrs.contains("rotate(")
        })
        .filter_map(|t| {
            let body = &t[t.find(">\n")? + 2..];
            Some(&body[..body.find("\n</text>")?])
        })
        .collect()
}

#[test]
fn integer_axes_label_integers_only() {
    for n in [1, 2, 3, 7, 30, 250, 5000] {
        let points = (1..=n)
            .map(|e| (f64::from(e), 1.0 / f64::from(e)))
            .collect();
        let chart = Chart::new("loss")
            .x_label("epoch")
            .x_axis(AxisKind::Integer)
            .series(Series::line("loss", points));
        let svg = chart.to_svg().unwrap();
        let x_ticks: Vec<&str> = centred_texts(&svg)
            .into_iter()
            .filter(|t| !["loss", "epoch"].contains(t))
            .collect();
        assert!(!x_ticks.is_empty(), "{n} epochs: {x_ticks:?}");
        for t in &x_ticks {
            assert!(
                !t.contains('.') && t.parse::<i64>().is_ok(),
                "{n} epochs: {x_ticks:?}"
            );
        }
        match n {
            1 => assert_eq!(x_ticks, ["1"]),
            3 => assert_eq!(x_ticks, ["1", "2", "3"]),
            _ => assert!(x_ticks.len() >= 2, "{x_ticks:?}"),
        }
    }
}

#[test]
fn log_and_categorical_axes_render() {
    let chart = Chart::new("lr")
        .x_axis(AxisKind::Log)
        .log_y(true)
        .series(Series::points(
            "trials",
            vec![(1e-5, 0.5), (1e-3, 0.05), (0.1, 0.2)],
        ));
    let texts_svg = chart.to_svg().unwrap();
    let texts = svg_texts(&texts_svg);
    assert!(
        texts.contains(&"0.001") && texts.contains(&"1e-5"),
        "{texts:?}"
    );
    decode(&chart.to_png().unwrap());
    let chart = Chart::new("activation")
        .x_categories(vec!["relu".into(), "tanh".into(), "sigmoid".into()])
        .series(Series::points("trials", vec![(0.0, 0.3), (2.0, 0.5)]));
    let svg = chart.to_svg().unwrap();
    let texts = svg_texts(&svg);
    assert!(
        ["relu", "tanh", "sigmoid"]
            .iter()
            .all(|c| texts.contains(c)),
        "{texts:?}"
    );
}

fn checker(h: usize, w: usize, c: usize) -> GridImage {
    let px = (0..h * w * c)
        .map(|i| if (i / c).is_multiple_of(2) { 255 } else { 0 })
        .collect();
    GridImage::from_u8([h, w, c], px).unwrap()
}

#[test]
fn image_grids_have_the_requested_or_natural_size() {
    let grid = (0..5).fold(ImageGrid::new(3), |g, i| {
        g.captioned(checker(8, 8, 1), format!("{i}"))
    });
    let natural = grid.natural_size().unwrap();
    assert_eq!(decode(&grid.to_png().unwrap()).dimensions(), natural);
    let grid = grid.size(500, 300);
    assert_eq!(decode(&grid.to_png().unwrap()).dimensions(), (500, 300));
    let svg = grid.to_svg().unwrap();
    assert_eq!(svg_size(&svg), (500, 300));
    assert!(svg.contains("href=\"data:image/png;base64,iVBORw0KGgo"));
    let rgb = ImageGrid::new(2)
        .image(checker(28, 28, 3))
        .image(checker(10, 40, 3));
    let img = decode(&rgb.to_png().unwrap());
    assert!(img.pixels().any(|p| p.0 == [0, 0, 0]) && img.pixels().any(|p| p.0 == [255; 3]));
}

#[test]
fn bad_shapes_and_sizes_are_errors_that_say_what_to_do() {
    let e = GridImage::from_u8([0, 3, 1], vec![]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "image of shape [0, 3, 1]: an image needs at least one row and one column"
    );
    let e = GridImage::from_f32([2, 2, 3], &[0.0; 4]).unwrap_err();
    assert!(e.to_string().contains("4 values given"), "{e}");
    let e = GridImage::from_u8([usize::MAX, 2, 3], vec![0]).unwrap_err();
    assert!(matches!(e, Error::Image { .. }));
    let e = ImageGrid::new(3).to_png().unwrap_err();
    assert!(e.to_string().contains("no image to lay out"), "{e}");
    let e = ImageGrid::new(3)
        .image(checker(2, 2, 1))
        .size(20, 900)
        .to_png()
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("image grid: size 20×900 px is outside"),
        "{e}"
    );
    let many = (0..200).fold(ImageGrid::new(200), |g, _| g.image(checker(28, 28, 1)));
    let e = many.natural_size().unwrap_err();
    assert!(e.to_string().contains("more than 8192 px a side"), "{e}");
    let e = many.size(300, 300).to_png().unwrap_err();
    assert!(e.to_string().contains("leave no room"), "{e}");
    let e = ImageGrid::new(1)
        .image(checker(2, 2, 1))
        .save("grid.gif")
        .unwrap_err();
    assert!(matches!(e, Error::Format { .. }), "{e}");
}
