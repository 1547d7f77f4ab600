//! Saving, loading and resuming; the checkpoint and CSV callbacks; summary.

use gradus_nn::{
    Adam, BatchNormalization, CsvLogger, Dense, Dropout, Error, FitConfig, LossConfig, Metric,
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
        LossConfig::mse(),
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

/// Training 2 epochs, saving, loading and training 2 more with Dropout gives bit-identical
/// weights to 4 epochs at once: the masks are keyed by (seed, epoch, batch).
#[test]
fn resumed_training_with_dropout_is_identical_to_uninterrupted_training() {
    let with_dropout = || {
        let mut m = Sequential::new();
        m.add(Dense::new(16).activation(Activation::Relu));
        m.add(Dropout::new(0.3));
        m.add(Dense::new(1));
        m.compile(OptimizerConfig::adam(0.01), LossConfig::mse(), &[])
            .unwrap();
        m
    };
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = data(48);
    let mut straight = with_dropout();
    straight.fit(&x, &y, quiet(4).seed(5)).unwrap();
    let mut first = with_dropout();
    first.fit(&x, &y, quiet(2).seed(5)).unwrap();
    first.save(dir.path()).unwrap();
    let mut resumed = Sequential::load(dir.path()).unwrap();
    resumed
        .fit(&x, &y, quiet(4).seed(5).initial_epoch(2))
        .unwrap();
    assert_eq!(resumed.get_weights(), straight.get_weights());
    // The masks matter: without dropout the weights differ.
    let mut plain = Sequential::new();
    plain.add(Dense::new(16).activation(Activation::Relu));
    plain.add(Dense::new(1));
    plain
        .compile(OptimizerConfig::adam(0.01), LossConfig::mse(), &[])
        .unwrap();
    plain.fit(&x, &y, quiet(4).seed(5)).unwrap();
    assert_ne!(plain.get_weights(), straight.get_weights());
}

/// Generation `g` of a model whose architecture (4 or 8 hidden units) and every weight
/// (all equal to `g`) tell which save it came from.
fn generation(g: u32) -> Sequential {
    let mut m = Sequential::new();
    m.add(Dense::new(if g.is_multiple_of(2) { 4 } else { 8 }));
    m.add(Dense::new(1));
    m.build(&[3], 0).unwrap();
    let mut w = m.get_weights();
    for t in &mut w.0 {
        t.data_mut().fill(g as f32);
    }
    m.set_weights(&w).unwrap();
    m
}

/// The generation a saved directory holds, checking that it is one whole model.
fn loaded_generation(dir: &std::path::Path) -> u32 {
    let m = Sequential::load(dir).unwrap_or_else(|e| panic!("unloadable model: {e}"));
    let w = m.get_weights();
    let g = w.0[0].data()[0];
    assert!(
        w.0.iter().all(|t| t.data().iter().all(|&v| v == g)),
        "weights of different saves"
    );
    let units = w.0[0].dims()[1];
    assert_eq!(
        units,
        if (g as u32).is_multiple_of(2) { 4 } else { 8 },
        "architecture of another save"
    );
    g as u32
}

const SAVE_LOOP_DIR: &str = "GRADUS_TEST_SAVE_LOOP_DIR";
const SAVE_LOOP_START: &str = "GRADUS_TEST_SAVE_LOOP_START";

/// Not a test on its own: the child process of `a_killed_saver_leaves_the_old_or_the_new_model`
/// (it runs only when the environment variable names a directory), saving generation
/// after generation until it is killed.
#[test]
fn save_loop_child() {
    let Ok(dir) = std::env::var(SAVE_LOOP_DIR) else {
        return;
    };
    let start: u32 = std::env::var(SAVE_LOOP_START).unwrap().parse().unwrap();
    for g in start.. {
        generation(g % 1000).save(&dir).unwrap();
    }
}

/// SIGKILL at random points of a loop of saves: the directory always loads, as one whole
/// model (the one before the interrupted save or the one it wrote).
#[test]
#[cfg(unix)]
fn a_killed_saver_leaves_the_old_or_the_new_model() {
    let dir = tempfile::tempdir().unwrap();
    generation(1000).save(dir.path()).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..20u64 {
        let mut child = std::process::Command::new(&exe)
            .args(["--exact", "save_loop_child", "--test-threads=1", "--quiet"])
            .env(SAVE_LOOP_DIR, dir.path())
            .env(SAVE_LOOP_START, (round * 40).to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill after a varying delay, so that the kills fall at different points of a save.
        std::thread::sleep(std::time::Duration::from_millis(15 + round * 7 % 60));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        seen.insert(loaded_generation(dir.path()));
    }
    // The children did save (the kills interrupted running loops of saves).
    assert!(seen.len() > 10, "{seen:?}");
    // What killed saves left behind is cleaned up by the next save.
    generation(7).save(dir.path()).unwrap();
    assert_eq!(loaded_generation(dir.path()), 7);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".lock")
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[1], "weights-".to_string() + &names[1][8..]);
    assert_eq!(
        Sequential::saved_files(dir.path()).unwrap()[1],
        dir.path().join(&names[1])
    );
}

/// Two threads save different generations into one directory while two others load it:
/// every load sees one whole model, and the savers never collide.
#[test]
fn concurrent_saves_and_loads_see_whole_models() {
    let dir = tempfile::tempdir().unwrap();
    generation(0).save(dir.path()).unwrap();
    std::thread::scope(|s| {
        for saver in 0..2u32 {
            let dir = dir.path();
            s.spawn(move || {
                for i in 0..40 {
                    generation(saver * 100 + i).save(dir).unwrap();
                }
            });
        }
        for _ in 0..2 {
            let dir = dir.path();
            s.spawn(move || {
                for _ in 0..80 {
                    loaded_generation(dir);
                }
            });
        }
    });
    let last = loaded_generation(dir.path());
    assert!(last == 39 || last == 139, "{last}");
}

#[test]
fn corrupt_or_hostile_model_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = data(16);
    let mut m = model();
    m.fit(&x, &y, quiet(1)).unwrap();
    m.save(dir.path()).unwrap();
    let model_json = dir.path().join("model.json");
    let json = std::fs::read_to_string(&model_json).unwrap();
    let load_err = |text: String| {
        std::fs::write(&model_json, text).unwrap();
        Sequential::load(dir.path()).unwrap_err().to_string()
    };

    let e = load_err(json.replacen("\"version\": 2", "\"version\": 0", 1));
    assert!(
        e.ends_with("format `gradus.sequential` version 0 is not `gradus.sequential` version 1 to 2; save the model again with this version of gradus"),
        "{e}"
    );
    let e = load_err(json.replacen("\"version\": 2", "\"version\": 3", 1));
    assert!(e.contains("version 3 is not"), "{e}");

    // An absurd input shape is an error, not an aborted allocation.
    let e = load_err(json.replacen(
        "\"input_shape\": [\n    4\n  ]",
        "\"input_shape\": [1000000000]",
        1,
    ));
    assert!(
        e.contains("model.json: the model cannot be built: layer `dense`: a tensor of shape [1000000000, 16] would hold 16000000000 values, more than the limit of 4294967296"),
        "{e}"
    );
    let e = load_err(json.replacen(
        "\"input_shape\": [\n    4\n  ]",
        "\"input_shape\": [4294967296, 4294967296]",
        1,
    ));
    assert!(
        e.contains("the model cannot be built: shape mismatch in model input: expected a sample shape whose size fits in memory, got [4294967296, 4294967296]"),
        "{e}"
    );

    // The weights file name must be a plain name in the directory.
    let e = load_err(json.replace("weights-", "../weights-"));
    assert!(e.contains("is not a weights file name of version 2"), "{e}");

    // A non-finite weight in the file (written by hand: gradus never saves one).
    std::fs::write(&model_json, &json).unwrap();
    let weights = Sequential::saved_files(dir.path()).unwrap()[1].clone();
    set_in_file(&weights, "dense/kernel", 5, f32::NAN);
    let e = Sequential::load(dir.path()).unwrap_err().to_string();
    assert!(
        e.ends_with("tensor `dense/kernel` holds NaN at index 5; weights must be finite"),
        "{e}"
    );
    // An optimizer slot for a parameter the model does not have.
    set_in_file(&weights, "dense/kernel", 5, 0.5);
    let mut tensors = read_file(&weights);
    tensors.push(("optimizer/99999999999/0".into(), vec![1], vec![0; 4]));
    std::fs::write(&weights, serialize(&tensors)).unwrap();
    let e = Sequential::load(dir.path()).unwrap_err().to_string();
    assert!(
        e.ends_with("`optimizer/99999999999/0` is not an optimizer slot of this model (`optimizer/<i>/<j>` with i below 6 trainable parameters and j below 3)"),
        "{e}"
    );
}

/// Rewrites value `index` of tensor `name` in a safetensors file.
fn set_in_file(path: &std::path::Path, name: &str, index: usize, value: f32) {
    let mut owned = read_file(path);
    let t = owned.iter_mut().find(|(n, ..)| n == name).unwrap();
    t.2[index * 4..index * 4 + 4].copy_from_slice(&value.to_le_bytes());
    std::fs::write(path, serialize(&owned)).unwrap();
}

/// Every tensor of a safetensors file as (name, shape, bytes).
fn read_file(path: &std::path::Path) -> Vec<(String, Vec<usize>, Vec<u8>)> {
    let bytes = std::fs::read(path).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    st.tensors()
        .into_iter()
        .map(|(n, v)| (n, v.shape().to_vec(), v.data().to_vec()))
        .collect()
}

fn serialize(tensors: &[(String, Vec<usize>, Vec<u8>)]) -> Vec<u8> {
    let views = tensors.iter().map(|(n, shape, data)| {
        let v = safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape.clone(), data)
            .unwrap();
        (n.clone(), v)
    });
    safetensors::serialize(views, None).unwrap()
}
