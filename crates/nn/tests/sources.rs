//! Training, evaluating and predicting from a `BatchSource`: the same results as from
//! tensors, whatever thread fills the batches, with Keras's `steps_per_epoch` semantics and
//! errors that name the batch.

use gradus_nn::{
    BatchKey, BatchSource, Dense, Dropout, Error, FitConfig, LossConfig, Metric, OptimizerConfig,
    Sequential, SourceError, TensorSource, Verbosity,
};
use gradus_tensor::{Activation, Rng, Tensor};

fn data(n: usize) -> (Tensor, Tensor) {
    let mut rng = Rng::new(4);
    let x = Tensor::from_vec((0..n * 3).map(|_| rng.normal() as f32).collect(), &[n, 3]).unwrap();
    let y: Vec<f32> = (0..n)
        .map(|i| x.row(i)[0] - 2.0 * x.row(i)[1] + 0.5)
        .collect();
    (x, Tensor::column(&y))
}

fn model() -> Sequential {
    with_dropout(0.2)
}

fn with_dropout(rate: f32) -> Sequential {
    let mut m = Sequential::new();
    m.add(Dense::new(8).activation(Activation::Tanh));
    m.add(Dropout::new(rate));
    m.add(Dense::new(1));
    m.compile(
        OptimizerConfig::adam(0.01),
        LossConfig::mse(),
        &[Metric::Mae],
    )
    .unwrap();
    m
}

fn quiet(epochs: usize) -> FitConfig {
    FitConfig::new()
        .epochs(epochs)
        .batch_size(8)
        .seed(3)
        .verbose(Verbosity::Silent)
}

/// A source that wraps a `TensorSource` but asks to be prefetched on a background thread,
/// optionally adds noise keyed by the batch (as augmentation does), and can misbehave.
struct Threaded<'a> {
    inner: TensorSource<'a>,
    prefetch: usize,
    noise: bool,
    /// Fails on this (pass, batch).
    fail_at: Option<(u64, u64)>,
    /// Writes a class id / value out of range at this (pass, batch).
    bad_target_at: Option<(u64, u64)>,
    /// Touches each row in a rayon parallel loop, as an augmenting source does.
    parallel: bool,
}

impl<'a> Threaded<'a> {
    fn new(inner: TensorSource<'a>, prefetch: usize) -> Threaded<'a> {
        Threaded {
            inner,
            prefetch,
            noise: false,
            fail_at: None,
            bad_target_at: None,
            parallel: false,
        }
    }
}

impl BatchSource for Threaded<'_> {
    fn len(&self) -> usize {
        self.inner.len()
    }
    fn batch_size(&self) -> usize {
        self.inner.batch_size()
    }
    fn sample_shape(&self) -> Vec<usize> {
        self.inner.sample_shape()
    }
    fn target_shape(&self) -> Option<Vec<usize>> {
        self.inner.target_shape()
    }
    fn order(&self, pass: usize) -> Vec<usize> {
        self.inner.order(pass)
    }
    fn fill(
        &self,
        samples: &[usize],
        key: BatchKey,
        x: &mut Tensor,
        y: &mut Tensor,
    ) -> Result<(), SourceError> {
        if self.fail_at == Some((key.epoch, key.batch)) {
            return Err("image 17.png is truncated".into());
        }
        self.inner.fill(samples, key, x, y)?;
        if self.noise {
            let mut rng = key.rng(11);
            x.data_mut()
                .iter_mut()
                .for_each(|v| *v += 0.01 * rng.normal() as f32);
        }
        if self.parallel {
            use rayon::prelude::*;
            let width = x.dims()[1..].iter().product::<usize>().max(1);
            x.data_mut()
                .par_chunks_mut(width)
                .for_each(|row| row.iter_mut().for_each(|v| *v *= 1.0));
        }
        if self.bad_target_at == Some((key.epoch, key.batch)) {
            y.data_mut()[0] = f32::NAN;
        }
        Ok(())
    }
    fn prefetch(&self) -> usize {
        self.prefetch
    }
}

/// More concurrent `fit_source` calls than pool workers, each fed by a producer thread whose
/// fills run rayon parallel loops: the waiting consumers keep helping the pool, so none
/// deadlocks (each `fit` used to block its worker in `recv` while its producer's loop
/// waited for a free worker), and each result equals the same fit run alone.
#[test]
fn concurrent_fits_with_parallel_sources_do_not_deadlock() {
    let (x, y) = data(64);
    let run = || {
        let src = TensorSource::new(&x, Some(&y), 8)
            .unwrap()
            .shuffle(true)
            .seed(5);
        let mut source = Threaded::new(src, 2);
        source.parallel = true;
        let mut m = model();
        m.fit_source(&source, None, quiet(3)).unwrap();
        m.get_weights()
    };
    let alone = run();
    // The global pool, whose workers the producers' loops also use.
    let n = rayon::current_num_threads() + 2;
    let all: Vec<_> = {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(|_| run()).collect()
    };
    assert_eq!(all.len(), n);
    for weights in all {
        assert_eq!(weights, alone);
    }
}

/// `fit_source` on the in-memory source `fit` builds gives bit-identical weights, inline or
/// prefetched on a background thread.
#[test]
fn fit_source_matches_fit_inline_and_prefetched() {
    let (x, y) = data(50);
    let mut reference = model();
    reference.fit(&x, &y, quiet(4)).unwrap();
    for prefetch in [0, 1, 2] {
        let source = TensorSource::new(&x, Some(&y), 8)
            .unwrap()
            .shuffle(true)
            .seed(3);
        let mut m = model();
        let h = m
            .fit_source(&Threaded::new(source, prefetch), None, quiet(4))
            .unwrap();
        assert_eq!(h.epoch, vec![0, 1, 2, 3]);
        assert_eq!(
            m.get_weights(),
            reference.get_weights(),
            "prefetch {prefetch}"
        );
    }
}

/// Batches with random draws keyed by (pass, batch): the same weights whether they are
/// filled inline or ahead, and a resumed run repeats them.
#[test]
fn keyed_random_batches_do_not_depend_on_the_filling_thread_and_resume_exactly() {
    let (x, y) = data(40);
    let run = |prefetch: usize, split_at: Option<usize>| {
        let source = TensorSource::new(&x, Some(&y), 8)
            .unwrap()
            .shuffle(true)
            .seed(5);
        let mut s = Threaded::new(source, prefetch);
        s.noise = true;
        let mut m = model();
        match split_at {
            None => {
                m.fit_source(&s, None, quiet(4)).unwrap();
                m
            }
            Some(e) => {
                m.fit_source(&s, None, quiet(e)).unwrap();
                let dir = tempfile::tempdir().unwrap();
                m.save(dir.path()).unwrap();
                let mut resumed = Sequential::load(dir.path()).unwrap();
                resumed
                    .fit_source(&s, None, quiet(4).initial_epoch(e))
                    .unwrap();
                resumed
            }
        }
    };
    let straight = run(0, None).get_weights();
    assert_eq!(run(2, None).get_weights(), straight);
    assert_eq!(run(2, Some(2)).get_weights(), straight);
}

/// `steps_per_epoch` takes consecutive batches across passes (5 batches per pass, 3 per
/// epoch): 4 epochs of 3 equal 12 steps, the same as 12 epochs of 1 (without dropout, whose
/// masks are keyed by (epoch, step)).
#[test]
fn steps_per_epoch_walks_across_passes() {
    let (x, y) = data(40);
    let source = TensorSource::new(&x, Some(&y), 8)
        .unwrap()
        .shuffle(true)
        .seed(1);
    let model = || with_dropout(0.0);
    let mut a = model();
    let h = a
        .fit_source(&source, None, quiet(4).steps_per_epoch(3))
        .unwrap();
    assert_eq!(h.epoch.len(), 4);
    let mut b = model();
    b.fit_source(&source, None, quiet(12).steps_per_epoch(1))
        .unwrap();
    assert_eq!(a.get_weights(), b.get_weights());
    let mut c = model();
    c.fit_source(&source, None, quiet(12).steps_per_epoch(2))
        .unwrap();
    assert_ne!(a.get_weights(), c.get_weights());
}

/// A validation source gives `val_` logs equal to evaluating on it; `evaluate_source` and
/// `predict_source` equal their tensor forms (predictions in sample order even when the
/// source shuffles).
#[test]
fn validation_evaluation_and_prediction_from_sources() {
    let (x, y) = data(60);
    let (vx, vy) = (x.slice_rows(40, 60), y.slice_rows(40, 60));
    let (tx, ty) = (x.slice_rows(0, 40), y.slice_rows(0, 40));
    let train = TensorSource::new(&tx, Some(&ty), 8)
        .unwrap()
        .shuffle(true)
        .seed(3);
    let val = Threaded::new(
        TensorSource::new(&vx, Some(&vy), 7).unwrap().shuffle(true),
        2,
    );
    let mut m = model();
    let h = m.fit_source(&train, Some(&val), quiet(3)).unwrap();
    let logs = m.evaluate(&vx, &vy).unwrap();
    let from_source = m.evaluate_source(&val).unwrap();
    for key in ["loss", "mae"] {
        let last = *h.get(&format!("val_{key}")).unwrap().last().unwrap();
        assert!(
            (last - logs[key]).abs() < 1e-6,
            "{key}: {last} vs {}",
            logs[key]
        );
        assert!((from_source[key] - logs[key]).abs() < 1e-6);
    }
    let shuffled = Threaded::new(
        TensorSource::new(&vx, None, 3)
            .unwrap()
            .shuffle(true)
            .seed(9),
        2,
    );
    assert_eq!(
        m.predict_source(&shuffled).unwrap(),
        m.predict(&vx).unwrap()
    );

    // validation_data tensors also work with a source.
    let mut m2 = model();
    let h2 = m2
        .fit_source(
            &train,
            None,
            quiet(3).validation_data(vx.clone(), vy.clone()),
        )
        .unwrap();
    assert!(h2.get("val_loss").is_some());
}

#[test]
fn sources_that_do_not_fit_are_errors_naming_the_batch() {
    let (x, y) = data(32);
    let wrong = Tensor::zeros(&[32, 4]);
    let source = TensorSource::new(&wrong, Some(&y), 8).unwrap();
    let mut m = model();
    m.build(&[3], 0).unwrap();
    let e = m.fit_source(&source, None, quiet(1)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "shape mismatch in training source: expected samples of shape [3] (the model's input), got [4]"
    );

    let no_targets = TensorSource::new(&x, None, 8).unwrap();
    let e = model().fit_source(&no_targets, None, quiet(1)).unwrap_err();
    assert!(e.to_string().contains("a source without targets"), "{e}");

    for prefetch in [0, 2] {
        let mut failing = Threaded::new(TensorSource::new(&x, Some(&y), 8).unwrap(), prefetch);
        failing.fail_at = Some((1, 2));
        let e = model().fit_source(&failing, None, quiet(3)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "batch source, batch 2 of pass 1: image 17.png is truncated"
        );
        let mut bad = Threaded::new(TensorSource::new(&x, Some(&y), 8).unwrap(), prefetch);
        bad.bad_target_at = Some((0, 3));
        let e = model().fit_source(&bad, None, quiet(3)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("y from the batch source has a non-finite value (NaN) at row 0"),
            "{e}"
        );
    }

    let source = TensorSource::new(&x, Some(&y), 8).unwrap();
    let e = model()
        .fit_source(&source, None, quiet(1).validation_split(0.2))
        .unwrap_err();
    assert!(matches!(e, Error::Config { .. }), "{e}");
    let e = model()
        .fit_source(&source, None, quiet(1).steps_per_epoch(0))
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("invalid FitOptions.steps_per_epoch = 0"),
        "{e}"
    );
}
