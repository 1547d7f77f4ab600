//! The training commands end to end: every demo, fit → evaluate → predict on a CSV file,
//! summary, tune with each sampler and the resume of a study, plot, augment.

mod common;

use std::path::Path;

use common::{gradus, gradus_in};
use serde_json::Value;

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Width and height attributes of an SVG's root element.
fn svg_size(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let root = &text[text.find("<svg").unwrap()..];
    let root = &root[..root.find('>').unwrap()];
    let attr = |name: &str| {
        let at = root.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        root[at..at + root[at..].find('"').unwrap()].to_owned()
    };
    (attr("width"), attr("height"))
}

/// A CSV of `y = 2·a − b + 1` with an id column, 200 rows.
fn write_csv(dir: &Path) {
    let mut text = String::from("id,a,b,y\n");
    for i in 0..200 {
        let (a, b) = ((i % 17) as f32 / 4.0, (i % 11) as f32 / 3.0);
        text.push_str(&format!("row{i},{a},{b},{}\n", 2.0 * a - b + 1.0));
    }
    std::fs::write(dir.join("data.csv"), text).unwrap();
}

const SPEC: &str = r#"
name = "linear"

[data]
csv = "data.csv"
target = "y"
features = { except = ["id"] }
scaling = "standard"
test_size = 0.25

[[model.layers]]
type = "dense"
units = 1

[compile]
optimizer = { algorithm = "sgd", learning_rate = 0.1 }
loss = "mse"
metrics = ["mae"]

[fit]
epochs = 200
batch_size = 150

[tune]
n_trials = 4
cv = 3

[tune.space]
"compile.optimizer.learning_rate" = { float = [0.01, 0.3], log = true }
"fit.batch_size" = { choice = [50, 150] }
"#;

#[test]
fn fit_evaluate_predict_and_summary_on_a_csv_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_csv(d);
    std::fs::write(d.join("linear.toml"), SPEC).unwrap();
    // From another working directory: data paths resolve against the spec's folder.
    let work = d.join("work");
    std::fs::create_dir(&work).unwrap();
    let v = gradus_in(&work, &["fit", "../linear.toml", "--json"]).json();
    assert_eq!(v["rows"], serde_json::json!([150, 50]));
    assert_eq!(v["input_shape"], serde_json::json!([2]));
    assert!(v["test"]["loss"].as_f64().unwrap() < 1e-3, "{v}");
    let run = work.join("runs/linear");
    for f in [
        "spec.toml",
        "history.csv",
        "summary.json",
        "loss.svg",
        "mae.svg",
        "model/model.json",
    ] {
        assert!(run.join(f).exists(), "{f}");
    }
    let history = std::fs::read_to_string(run.join("history.csv")).unwrap();
    assert_eq!(history.lines().count(), 201, "a header and 200 epochs");
    // A second fit does not overwrite the first.
    gradus_in(&work, &["fit", "../linear.toml", "-q"]).ok();
    assert!(work.join("runs/linear-2/model/model.json").exists());
    gradus_in(
        &work,
        &["fit", "../linear.toml", "-q", "--out", "runs/linear"],
    )
    .fails(2, &["holds an earlier run", "--force"]);

    let csv = d.join("data.csv");
    let csv = csv.to_str().unwrap();
    let run = run.to_str().unwrap();
    let metrics = gradus(&["evaluate", run, "--data", csv, "--json"]).json();
    assert!(metrics["loss"].as_f64().unwrap() < 1e-3, "{metrics}");
    assert!(metrics["mae"].as_f64().unwrap() < 0.03, "{metrics}");
    let out = gradus(&["predict", run, "--data", csv]);
    let lines: Vec<&str> = out.ok().lines().collect();
    assert_eq!(lines.len(), 201);
    assert_eq!(lines[0], "y");
    // Row 5: a = 1.25, b = 5/3 → y = 2.5 − 1.667 + 1 = 1.833 (raw features: the scaler is
    // inside the saved model).
    let p: f64 = lines[6].parse().unwrap();
    assert!((p - (2.5 - 5.0 / 3.0 + 1.0)).abs() < 0.03, "{p}");

    let s = gradus(&["summary", d.join("linear.toml").to_str().unwrap(), "--json"]).json();
    assert_eq!(s["trainable_params"], 3);
    assert_eq!(s["non_trainable_params"], 4);
    assert_eq!(s["layers"][0]["type"], "Normalization");
    let text = gradus(&["summary", d.join("linear.toml").to_str().unwrap()]);
    assert!(text.ok().contains("Total params: 7"), "{}", text.stdout);

    gradus(&["evaluate", d.to_str().unwrap(), "--data", csv]).fails(2, &["is not a run directory"]);
    assert_eq!(png_size(&Path::new(run).join("loss.png")), (720, 480));
    let out = gradus(&["plot", run, "--size", "640", "400"]);
    assert!(out.ok().contains("mae.png"), "{}", out.stdout);
    assert_eq!(png_size(&Path::new(run).join("mae.png")), (640, 400));
    assert_eq!(
        svg_size(&Path::new(run).join("mae.svg")),
        ("640".into(), "400".into())
    );
    gradus(&["plot", run, "--size", "10", "10"]).fails(2, &["64"]);
}

#[test]
fn tune_runs_each_sampler_and_resumes_the_study() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_csv(d);
    for sampler in ["tpe", "random", "grid", "gp"] {
        let mut spec = SPEC.replace("[tune]\n", &format!("[tune]\nsampler = \"{sampler}\"\n"));
        if sampler == "grid" {
            // A grid needs finite sets: 2 × 2 points.
            spec = spec.replace(
                "{ float = [0.01, 0.3], log = true }",
                "{ choice = [0.05, 0.1] }",
            );
        }
        std::fs::write(d.join(format!("{sampler}.toml")), spec).unwrap();
        let v = gradus_in(d, &["tune", &format!("{sampler}.toml"), "--json"]).json();
        assert_eq!(v["trials"], 4, "{sampler}: {v}");
        assert!(v["best_value"].as_f64().unwrap() > -0.05, "{sampler}: {v}");
        let lr = v["best_params"]["compile.optimizer.learning_rate"]
            .as_f64()
            .unwrap();
        assert!((0.01..=0.3).contains(&lr), "{v}");
        let out = d.join("runs/linear-tune");
        for f in [
            "trials.csv",
            "best.json",
            "optimization_history.svg",
            "study.db",
        ] {
            assert!(out.join(f).exists(), "{sampler}: {f}");
        }
        std::fs::remove_dir_all(&out).unwrap();
    }
    // Two runs of 2 trials: the second continues the first's study (trials 2 and 3).
    std::fs::write(d.join("linear.toml"), SPEC).unwrap();
    gradus_in(d, &["tune", "linear.toml", "--n-trials", "2", "-q"]).ok();
    let v = gradus_in(
        d,
        &[
            "tune",
            "linear.toml",
            "--n-trials",
            "2",
            "--json",
            "--refit",
        ],
    )
    .json();
    assert_eq!(v["trials"], 4, "{v}");
    let csv = std::fs::read_to_string(d.join("runs/linear-tune/trials.csv")).unwrap();
    let numbers: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(numbers, ["0", "1", "2", "3"]);
    assert!(v["refit"]["test"]["loss"].as_f64().unwrap() < 0.01, "{v}");
    assert!(d.join("runs/linear-tune/best/model/model.json").exists());
    let text = gradus_in(d, &["tune", "linear.toml", "--n-trials", "1", "-q"]);
    assert!(text.ok().contains("Best: "), "{}", text.stdout);
    let tune_dir = d.join("runs/linear-tune");
    let v = gradus(&[
        "plot",
        tune_dir.to_str().unwrap(),
        "--size",
        "800",
        "600",
        "--json",
    ])
    .json();
    assert_eq!(v["files"].as_array().unwrap().len(), 2 + 2 * 3, "{v}");
    assert_eq!(
        png_size(&tune_dir.join("optimization_history.png")),
        (800, 600)
    );
    for stem in [
        "slice_compile_optimizer_learning_rate",
        "slice_fit_batch_size",
    ] {
        assert_eq!(png_size(&tune_dir.join(format!("{stem}.png"))), (800, 600));
        assert_eq!(
            svg_size(&tune_dir.join(format!("{stem}.svg"))),
            ("800".into(), "600".into())
        );
    }
}

#[test]
fn every_demo_runs_and_prints_what_the_course_shows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let list = gradus_in(d, &["demo", "--json"]).json();
    let names: Vec<&str> = list["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "mse",
            "linreg",
            "gd-variants",
            "cross-entropy",
            "regularization",
            "augmentation",
            "tuning"
        ]
    );
    let out = gradus_in(d, &["demo", "mse"]);
    assert!(
        out.ok().contains("Mean Squared Error: 0.375\n"),
        "{}",
        out.stdout
    );

    let v = gradus_in(d, &["demo", "linreg", "--json"]).json();
    let (theta, ls) = (&v["theta"], &v["least_squares"]);
    for i in 0..2 {
        let (t, l) = (theta[i].as_f64().unwrap(), ls[i].as_f64().unwrap());
        assert!((t - l).abs() < 0.05, "θ {theta} vs least squares {ls}");
    }
    assert_eq!(png_size(&d.join("linreg.png")), (720, 480));

    let v = gradus_in(d, &["demo", "gd-variants", "--json"]).json();
    assert_eq!(v["variants"].as_array().unwrap().len(), 3);
    assert_eq!(png_size(&d.join("gd_variants.png")), (720, 480));

    let v = gradus_in(d, &["demo", "cross-entropy", "--json"]).json();
    for kind in ["binary", "categorical"] {
        let (f, l) = (
            v[kind]["formula"].as_f64().unwrap(),
            v[kind]["library"].as_f64().unwrap(),
        );
        assert!((f - l).abs() < 1e-6, "{kind}: {f} vs {l}");
    }
    // −(ln 0.9 + ln 0.9 + ln 0.8 + ln 0.6) / 4
    let expected = -(0.9f64.ln() * 2.0 + 0.8f64.ln() + 0.6f64.ln()) / 4.0;
    assert!((v["binary"]["formula"].as_f64().unwrap() - expected).abs() < 1e-6);

    let v = gradus_in(d, &["demo", "regularization", "--json"]).json();
    let rows = v["results"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let early = rows
        .iter()
        .find(|r| r["spec"] == "early_stopping.toml")
        .unwrap();
    assert!(early["epochs"].as_u64().unwrap() < 100, "{early}");

    let v = gradus_in(d, &["demo", "augmentation", "--json"]).json();
    assert_eq!(v["files"].as_array().unwrap().len(), 7);
    let (w, h) = png_size(&d.join("augmentation/grid.png"));
    assert!(
        w > 3 * 640 && h > 2 * 427,
        "a 2 × 3 grid of 640 × 427 photos: {w} × {h}"
    );

    let out = gradus_in(d, &["demo", "tuning"]);
    assert_eq!(out.ok().matches("Best: ").count(), 4, "{}", out.stdout);

    gradus_in(d, &["demo", "linreg", "--json"]).json();
    gradus_in(d, &["demo", "nope"]).fails(2, &["no demo `nope`", "linreg"]);
}

#[test]
fn augment_writes_n_images_and_a_grid() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("aug");
    let v = gradus(&[
        "augment",
        "bundled:china",
        "--n",
        "4",
        "--out",
        out.to_str().unwrap(),
        "--rotation-range",
        "30",
        "--horizontal-flip",
        "--zoom-range",
        "0.2",
        "--json",
    ])
    .json();
    let files: Vec<Value> = v["files"].as_array().unwrap().clone();
    assert_eq!(files.len(), 5);
    for f in &files {
        assert!(Path::new(f.as_str().unwrap()).exists());
    }
    gradus(&["augment", "bundled:nope", "--out", out.to_str().unwrap()])
        .fails(2, &["bundled:china"]);
    gradus(&[
        "augment",
        "bundled:china",
        "--n",
        "0",
        "--out",
        out.to_str().unwrap(),
    ])
    .fails(2, &["--n 0"]);
}

/// 8 × 8 digits 0, 1 and 2 of the bundled data as PNG files in class sub-folders.
fn write_digit_folder(dir: &Path) {
    let digits = gradus::data::bundled::digits().unwrap();
    let mut counts = [0; 3];
    for r in 0..digits.n_samples() {
        let class = digits.y.data()[r] as usize;
        if class > 2 || counts[class] == 30 {
            continue;
        }
        let pixels: Vec<f32> = digits.x.row(r).iter().map(|v| v * 255.0 / 16.0).collect();
        let image = gradus::tensor::Tensor::from_vec(pixels, &[8, 8, 1]).unwrap();
        let sub = dir.join(format!("class{class}"));
        std::fs::create_dir_all(&sub).unwrap();
        gradus::data::image::save_img(sub.join(format!("{}.png", counts[class])), &image).unwrap();
        counts[class] += 1;
    }
}

#[test]
fn image_folders_train_with_augmentation_and_evaluate_and_predict() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_digit_folder(&d.join("digits"));
    let spec = r#"
[data.images]
directory = "digits"
target_size = [8, 8]
color_mode = "grayscale"
class_mode = "sparse"
validation_split = 0.2

[data.augmentation]
rotation_range = 10
rescale = 0.00392156862745098

[[model.layers]]
type = "flatten"

[[model.layers]]
type = "dense"
units = 3
activation = "softmax"

[compile]
optimizer = { algorithm = "adam", learning_rate = 0.05 }
loss = "sparse_categorical_crossentropy"
metrics = ["accuracy"]

[fit]
epochs = 15
batch_size = 8
"#;
    std::fs::write(d.join("digits.toml"), spec).unwrap();
    let v = gradus_in(d, &["fit", "digits.toml", "--json"]).json();
    assert_eq!(v["rows"], serde_json::json!([72, 18]), "{v}");
    assert_eq!(v["input_shape"], serde_json::json!([8, 8, 1]));
    assert!(v["test"]["accuracy"].as_f64().unwrap() > 0.8, "{v}");
    let s = gradus_in(d, &["summary", "digits.toml", "--json"]).json();
    assert_eq!(s["trainable_params"], 64 * 3 + 3);
    let run = d.join("runs/digits");
    let folder = d.join("digits");
    let (run, folder) = (run.to_str().unwrap(), folder.to_str().unwrap());
    let m = gradus(&["evaluate", run, "--data", folder, "--json"]).json();
    assert!(m["accuracy"].as_f64().unwrap() > 0.8, "{m}");
    let out = gradus(&["predict", run, "--data", folder]);
    let lines: Vec<&str> = out.ok().lines().collect();
    assert_eq!(lines[0], "file,class,p_0,p_1,p_2");
    assert_eq!(lines.len(), 91);
    assert!(lines[1].contains("class0"), "{}", lines[1]);
    // Tuning an image spec scores the validation images (no cv).
    let tuned = format!(
        "{spec}\n[tune]\nn_trials = 2\n[tune.space]\n\"compile.optimizer.learning_rate\" = {{ float = [0.01, 0.1], log = true }}\n"
    );
    std::fs::write(d.join("digits.toml"), tuned).unwrap();
    let v = gradus_in(d, &["tune", "digits.toml", "--json"]).json();
    assert_eq!(
        v["complete"].as_u64().unwrap() + v["pruned"].as_u64().unwrap(),
        2,
        "{v}"
    );
}
