//! Saving, loading and resuming; the checkpoint and CSV callbacks; summary.

use gradus_nn::{
    Adam, BatchNormalization, CsvLogger, Dense, Error, FitConfig, LossConfig, Metric,
    ModelCheckpoint, OptimizerConfig, Sequential, Verbosity,
};
use gradus_tensor::{Activation, Rng, Tensor};

fn data(n: usize) -> (Tensor, Tensor) {
    let mut rng = Rng::new(9);
    let x = Tensor::from_vec((0..n * 4).map(|_| rng.normal() as f32).collect(), &[n, 4]).unwrap();
    let y: Vec<f32> = (0..n)
        .map(|i| x.row(i).iter().map(|v| v * v).sum::<f32>())
        .collect();
    (x, Tensor::column(&y))
}

fn model() -> Sequential {
    let mut m = Sequential::new();
    m.add(Dense::new(16).activation(Activation::Relu));
    m.add(BatchNormalization::new());
    m.add(Dense::new(1));
    m.compile(
        OptimizerConfig::from(Adam {
            amsgrad: true,
            ..Adam::default()
        })
        .learning_rate(0.01),
        LossConfig::MeanSquaredError,
        &[Metric::Mae],
    )
    .unwrap();
    m
}

fn quiet(epochs: usize) -> FitConfig {
    FitConfig::new()
        .epochs(epochs)
        .batch_size(16)
        .verbose(Verbosity::Silent)
}

#[test]
fn save_and_load_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = data(64);
    let mut m = model();
    m.fit(&x, &y, quiet(3)).unwrap();
    m.save(dir.path()).unwrap();
    let mut loaded = Sequential::load(dir.path()).unwrap();
    assert_eq!(loaded.get_weights(), m.get_weights());
    assert_eq!(loaded.predict(&x).unwrap(), m.predict(&x).unwrap());
    assert_eq!(loaded.summary(), m.summary());
    assert_eq!(
        loaded.optimizer().unwrap().state(),
        m.optimizer().unwrap().state()
    );
    assert_eq!(
        loaded.layer_names(),
        ["dense", "batch_normalization", "dense_1"]
    );
}

/// Training 2 epochs, saving, loading and training 2 more gives bit-identical weights to
/// training 4 epochs at once: the optimizer state (Adam's m, v, v̂ and step count) and the
/// batch-normalisation statistics travel with the model, and each epoch's shuffle depends
/// on (seed, epoch) only. (Dropout masks continue from the layer's seed, so a resumed model
/// with dropout draws different masks.)
#[test]
fn resumed_training_is_identical_to_uninterrupted_training() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = data(48);
    let mut straight = model();
    straight.fit(&x, &y, quiet(4).seed(1)).unwrap();

    let mut first = model();
    first.fit(&x, &y, quiet(2).seed(1)).unwrap();
    first.save(dir.path()).unwrap();
    let mut resumed = Sequential::load(dir.path()).unwrap();
    let h = resumed
        .fit(&x, &y, quiet(4).seed(1).initial_epoch(2))
        .unwrap();
    assert_eq!(h.epoch, vec![2, 3]);
    assert_eq!(resumed.get_weights(), straight.get_weights());
}

#[test]
fn loading_reports_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let e = Sequential::load(dir.path()).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");
    assert!(
        e.to_string()
            .ends_with("model.json: No such file or directory (os error 2)"),
        "{e}"
    );

    let (x, y) = data(16);
    let mut m = model();
    m.fit(&x, &y, quiet(1)).unwrap();
    m.save(dir.path()).unwrap();
    // Change the architecture: the kernel no longer fits.
    let json = std::fs::read_to_string(dir.path().join("model.json")).unwrap();
    std::fs::write(
        dir.path().join("model.json"),
        json.replacen("\"units\": 16", "\"units\": 8", 1),
    )
    .unwrap();
    let e = Sequential::load(dir.path()).unwrap_err().to_string();
    assert!(
        e.ends_with("tensor `dense/kernel` is F32 [4, 16], the model needs F32 [4, 8]"),
        "{e}"
    );

    std::fs::write(dir.path().join("model.json"), "{\"format\": 1}").unwrap();
    let e = Sequential::load(dir.path()).unwrap_err().to_string();
    assert!(e.contains("not a gradus model description"), "{e}");
}

#[test]
fn checkpoint_saves_only_improvements_and_csv_logger_writes_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = data(80);
    let pattern = dir
        .path()
        .join("ckpt-{epoch:02d}")
        .to_string_lossy()
        .into_owned();
    let csv = dir.path().join("log.csv");
    let mut m = model();
    let h = m
        .fit(
            &x,
            &y,
            quiet(6)
                .validation_split(0.25)
                .callback(ModelCheckpoint::new(pattern).save_best_only(true))
                .callback(CsvLogger::new(&csv)),
        )
        .unwrap();
    let val = h.get("val_loss").unwrap();
    let mut best = f64::INFINITY;
    for (epoch, v) in val.iter().enumerate() {
        let saved = dir
            .path()
            .join(format!("ckpt-{:02}", epoch + 1))
            .join("model.json")
            .exists();
        assert_eq!(saved, *v < best, "epoch {epoch}: {val:?}");
        best = best.min(*v);
    }
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "epoch,learning_rate,loss,mae,val_loss,val_mae");
    assert_eq!(lines.len(), 7);
    let last: Vec<f64> = lines[6].split(',').map(|v| v.parse().unwrap()).collect();
    assert_eq!(last[0], 5.0);
    assert_eq!(last[4], val[5]);
}

#[test]
fn layer_names_are_unique() {
    let mut m = Sequential::new();
    m.add(Dense::new(2).name("dense_1"));
    m.add(Dense::new(2));
    m.add(Dense::new(2));
    assert_eq!(m.layer_names(), ["dense_1", "dense", "dense_2"]);
    m.add(Dense::new(1).name("dense"));
    let e = m.build(&[3], 0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid layer name = dense: a name used by one layer only (weights are saved by layer name)"
    );
}

#[test]
fn summary_lists_layers_shapes_and_counts() {
    let mut m = model();
    m.build(&[4], 0).unwrap();
    let s = m.summary();
    let expected = "\
Model: \"sequential\"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━┓
┃ Layer (type)                             ┃ Output Shape ┃ Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━┩
│ dense (Dense)                            │ (None, 16)   │      80 │
│ batch_normalization (BatchNormalization) │ (None, 16)   │      64 │
│ dense_1 (Dense)                          │ (None, 1)    │      17 │
└──────────────────────────────────────────┴──────────────┴─────────┘
 Total params: 161 (644.00 B)
 Trainable params: 129 (516.00 B)
 Non-trainable params: 32 (128.00 B)
";
    assert_eq!(s, expected);
}
