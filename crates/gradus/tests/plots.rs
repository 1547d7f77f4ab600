//! The facade's charts rendered and looked at: the course figure's colours, integer epoch
//! and trial axes, one slice per parameter on the axis its distribution calls for, and
//! image grids of the requested size.

use gradus::nn::History;
use gradus::plot::{AxisKind, Chart};
use gradus::plots;
use gradus::tensor::Tensor;
use gradus::tune::{RandomSampler, Study, TrialError};

fn decode(png: &[u8]) -> image::RgbImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("a valid PNG")
        .to_rgb8()
}

/// The x tick labels of a chart: the texts drawn centred and upright, less the title and
/// the x label.
fn x_ticks(chart: &Chart) -> Vec<String> {
    let svg = chart.to_svg().unwrap();
    svg.split("<text")
        .skip(1)
        .filter(|t| {
            let attrs = &t[..t.find('>').unwrap()];
            attrs.contains("text-anchor=\"middle\"") && !attrs.contains("rotate(")
        })
        .filter_map(|t| {
            let body = &t[t.find(">\n")? + 2..];
            Some(body[..body.find("\n</text>")?].to_string())
        })
        .filter(|t| *t != chart.title && *t != chart.x_label)
        .collect()
}

#[test]
fn the_course_figure_has_blue_points_and_a_red_line() {
    let x: Vec<f64> = (0..30).map(|i| f64::from(i) * 0.1).collect();
    let y: Vec<f64> = x.iter().map(|x| 4.0 + 3.0 * x + (x * 11.0).sin()).collect();
    let chart = plots::fitted_line(&x, &y, |x| 4.0 + 3.0 * x)
        .unwrap()
        .size(800, 500);
    let img = decode(&chart.to_png().unwrap());
    assert_eq!(img.dimensions(), (800, 500));
    let count = |f: &dyn Fn([u8; 3]) -> bool| img.pixels().filter(|p| f(p.0)).count();
    let blue = count(&|[r, g, b]| b > 150 && r < 80 && (90..150).contains(&g));
    let red = count(&|[r, g, b]| r > 180 && g < 80 && b < 80);
    assert!(blue > 30 * 20, "30 markers: {blue} blue pixels");
    assert!(red > 400, "a line across the chart: {red} red pixels");
    let e = plots::fitted_line(&x, &y[1..], |x| x).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid y = 29 values: as many values as x (30)"
    );
}

#[test]
fn learning_curves_have_one_chart_per_metric_and_integer_epochs() {
    let mut h = History::default();
    for epoch in 0..3 {
        let e = f64::from(epoch);
        let logs = [
            ("loss", 1.0 / (e + 1.0)),
            ("val_loss", 1.2 / (e + 1.0)),
            ("mae", 0.5 - e * 0.1),
            ("val_mae", 0.6 - e * 0.1),
            ("val_only", e),
        ];
        h.record(
            epoch as usize,
            &logs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        );
    }
    let charts = plots::learning_curves_by_metric(&h);
    let names: Vec<&str> = charts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["loss", "mae", "val_only"]);
    let (_, loss) = &charts[0];
    let series: Vec<&str> = loss.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(series, ["loss", "val_loss"]);
    for (_, chart) in &charts {
        assert_eq!(x_ticks(chart), ["1", "2", "3"], "{}", chart.title);
        decode(&chart.to_png().unwrap());
    }
    assert_eq!(
        x_ticks(&plots::learning_curves(&h, &["loss"])),
        ["1", "2", "3"]
    );
}

#[test]
fn studies_give_an_integer_history_and_one_slice_per_parameter() {
    let study = Study::builder()
        .sampler(RandomSampler)
        .seed(3)
        .build()
        .unwrap();
    for _ in 0..12 {
        let mut t = study.ask().unwrap();
        let lr = t.suggest_float_log("lr", 1e-5, 1e-1).unwrap();
        let units = t.suggest_int("units", 8, 128).unwrap();
        let act = t
            .suggest_categorical("activation", &["relu", "tanh", "elu"])
            .unwrap();
        let dropout = t.suggest_float("dropout", 0.0, 0.5).unwrap();
        let bonus = if act == "tanh" { 0.1 } else { 0.0 };
        let value = lr.log10().abs() + units as f64 / 100.0 + dropout + bonus;
        study.tell(t, Ok::<f64, TrialError>(value)).unwrap();
    }
    let failed = study.ask().unwrap();
    study.tell(failed, Err(TrialError::msg("boom"))).unwrap();

    let history = plots::optimization_history(&study).unwrap();
    assert_eq!(
        history.series[0].points.len(),
        12,
        "the failed trial is left out"
    );
    assert!(x_ticks(&history).iter().all(|t| t.parse::<u64>().is_ok()));

    let slices = plots::param_slices(&study).unwrap();
    let axes: Vec<(&str, &AxisKind)> = slices
        .iter()
        .map(|(n, c)| (n.as_str(), &c.x_axis))
        .collect();
    let categories = AxisKind::Categorical(vec!["relu".into(), "tanh".into(), "elu".into()]);
    assert_eq!(
        axes,
        [
            ("activation", &categories),
            ("dropout", &AxisKind::Linear),
            ("lr", &AxisKind::Log),
            ("units", &AxisKind::Integer),
        ]
    );
    for (name, chart) in &slices {
        assert_eq!(chart.series[0].points.len(), 12, "{name}");
        let png = decode(&chart.clone().size(480, 320).to_png().unwrap());
        assert_eq!(png.dimensions(), (480, 320));
    }
    let ticks = x_ticks(&slices[0].1);
    assert_eq!(ticks, ["relu", "tanh", "elu"]);
    assert!(x_ticks(&slices[3].1).iter().all(|t| !t.contains('.')));
}

#[test]
fn image_grids_come_from_tensors_of_images() {
    let n = 5;
    let pixels: Vec<f32> = (0..n * 6 * 4 * 3).map(|i| (i % 256) as f32).collect();
    let images = Tensor::from_vec(pixels, &[n, 6, 4, 3]).unwrap();
    let grid = plots::image_grid(&images, 3).unwrap().captions(["a", "b"]);
    assert_eq!(grid.images.len(), n);
    assert_eq!(grid.images[0].0.shape(), [6, 4, 3]);
    let img = decode(&grid.size(300, 200).to_png().unwrap());
    assert_eq!(img.dimensions(), (300, 200));
    let gray = Tensor::from_vec(vec![255.0; 2 * 3 * 3], &[2, 3, 3]).unwrap();
    assert_eq!(
        plots::image_grid(&gray, 1).unwrap().images[1].0.shape(),
        [3, 3, 1]
    );
    for bad in [&[2, 3, 3, 2][..], &[2, 7], &[4]] {
        let t = Tensor::zeros(bad);
        let e = plots::image_grid(&t, 2).unwrap_err();
        assert!(e.to_string().starts_with("invalid images = "), "{e}");
    }
}
