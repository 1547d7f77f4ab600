//! Cross-validated searches and the pruning callback, on real data.

use gradus::prelude::*;
use gradus::tune::TrialState;
use gradus::tune::pruners::PercentileConfig;
use gradus::{Error, Estimator, Result as GResult};

fn diabetes() -> (Tensor, Tensor) {
    let d = bundled::diabetes().unwrap();
    let x = StandardScaler::fit(&d.x).unwrap().transform(&d.x).unwrap();
    let y = StandardScaler::fit(&d.y).unwrap().transform(&d.y).unwrap();
    (x, y)
}

fn build(p: &Params) -> GResult<Estimator> {
    let mut m = Sequential::new();
    m.add(Dense::new(8).activation(Activation::Relu));
    m.add(Dense::new(1));
    m.compile(
        OptimizerConfig::adam(p.f32("learning_rate")?),
        LossConfig::mse(),
        &[],
    )?;
    let fit = FitConfig::new()
        .epochs(p.usize_or("epochs", 10)?)
        .batch_size(p.usize("batch_size")?)
        .seed(1)
        .verbose(Verbosity::Silent);
    Ok(Estimator::new(m, fit))
}

#[test]
fn grid_search_scores_every_point_once_and_ranks_by_mean() {
    let (x, y) = diabetes();
    let grid = ParamGrid::new()
        .param("learning_rate", &[0.001, 0.01, 0.1])
        .param("batch_size", &[10, 20]);
    let r = GridSearchCv::new(build, grid)
        .cv(KFold::new(3))
        .scoring(Scoring::NegMeanSquaredError)
        .fit(&x, &y)
        .unwrap();
    assert_eq!(r.cv_results.len(), 6);
    let mut seen: Vec<String> = r.cv_results.iter().map(|c| c.params.to_string()).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6, "every point once");
    for c in &r.cv_results {
        assert_eq!(c.split_test_scores.len(), 3);
        let mean = c.split_test_scores.iter().sum::<f64>() / 3.0;
        assert!((mean - c.mean_test_score).abs() < 1e-12);
        assert!(c.mean_test_score < 0.0, "a negated error");
        let better = r
            .cv_results
            .iter()
            .filter(|o| o.mean_test_score > c.mean_test_score)
            .count();
        assert_eq!(c.rank_test_score, better + 1);
        assert!(c.mean_fit_time > 0.0);
    }
    let best = &r.cv_results[r.best_index];
    assert_eq!(best.rank_test_score, 1);
    assert_eq!(r.best_score, best.mean_test_score);
    assert_eq!(r.best_params, best.params);
    // The refit model is trained on everything and predicts every row.
    let mut model = r.best_model.unwrap();
    assert_eq!(model.predict(&x).unwrap().rows(), x.rows());
}

#[test]
fn parallel_candidates_give_the_same_scores() {
    let (x, y) = diabetes();
    let grid = ParamGrid::new()
        .param("learning_rate", &[0.003, 0.03])
        .param("batch_size", &[16, 32]);
    let run = |jobs| {
        let r = GridSearchCv::new(build, grid.clone())
            .cv(KFold::new(3))
            .n_jobs(jobs)
            .refit(false)
            .fit(&x, &y)
            .unwrap();
        let mut v: Vec<(String, f64)> = r
            .cv_results
            .iter()
            .map(|c| (c.params.to_string(), c.mean_test_score))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let one = run(1);
    let two = run(2);
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a.0, b.0);
        assert!((a.1 - b.1).abs() < 1e-6, "{a:?} vs {b:?}");
    }
}

#[test]
fn a_failing_candidate_ranks_last_and_the_search_goes_on() {
    let (x, y) = diabetes();
    // batch_size 0 is rejected by fit: that candidate fails.
    let grid = ParamGrid::new()
        .param("learning_rate", &[0.01])
        .param("batch_size", &[0, 32]);
    let r = GridSearchCv::new(build, grid)
        .cv(KFold::new(2))
        .fit(&x, &y)
        .unwrap();
    let failed: Vec<_> = r.cv_results.iter().filter(|c| c.error.is_some()).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].rank_test_score, 2);
    assert!(failed[0].mean_test_score.is_nan());
    assert!(
        failed[0]
            .error
            .as_ref()
            .unwrap()
            .contains("invalid FitOptions.batch_size = 0"),
        "{:?}",
        failed[0].error
    );
    assert_eq!(r.best_params.usize("batch_size").unwrap(), 32);

    // A parameter the estimator needs but the grid lacks fails every candidate.
    let grid = ParamGrid::new().param("batch_size", &[16]);
    let e = GridSearchCv::new(build, grid)
        .cv(KFold::new(2))
        .fit(&x, &y)
        .unwrap_err();
    assert!(matches!(e, Error::Search(_)));
    assert!(
        e.to_string()
            .contains("parameter `learning_rate`: missing; the candidate has batch_size"),
        "{e}"
    );
}

#[test]
fn randomized_search_draws_typed_values_in_range_reproducibly() {
    let (x, y) = diabetes();
    let space = SearchSpace::new()
        .float_log("learning_rate", 1e-3, 1e-1)
        .categorical("batch_size", &[10, 20, 30])
        .int("epochs", 2, 6);
    let run = |seed| {
        RandomizedSearchCv::new(build, space.clone())
            .n_iter(5)
            .cv(KFold::new(3))
            .seed(seed)
            .refit(false)
            .fit(&x, &y)
            .unwrap()
    };
    let a = run(4);
    assert_eq!(a.cv_results.len(), 5);
    for c in &a.cv_results {
        let lr = c.params.f64("learning_rate").unwrap();
        assert!((1e-3..=1e-1).contains(&lr));
        assert!([10, 20, 30].contains(&c.params.usize("batch_size").unwrap()));
        assert!((2..=6).contains(&c.params.usize("epochs").unwrap()));
    }
    let b = run(4);
    let c = run(5);
    let params = |r: &SearchResult| {
        r.cv_results
            .iter()
            .map(|c| c.params.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(params(&a), params(&b));
    assert_ne!(params(&a), params(&c));

    let bad = SearchSpace::new().float_log("learning_rate", 0.0, 1.0);
    let e = RandomizedSearchCv::new(build, bad).fit(&x, &y).unwrap_err();
    assert!(
        e.to_string().starts_with("search: invalid search space:"),
        "{e}"
    );
}

use gradus::SearchResult;

#[test]
fn tpe_search_finds_a_good_learning_rate() {
    let (x, y) = diabetes();
    let space = SearchSpace::new()
        .float_log("learning_rate", (-9.0f64).exp(), 1.0)
        .categorical("batch_size", &[32]);
    let r = TpeSearchCv::new(build, space)
        .max_evals(20)
        .cv(KFold::new(3))
        .seed(0)
        .refit(false)
        .fit(&x, &y)
        .unwrap();
    assert_eq!(r.cv_results.len(), 20);
    // With 10 epochs, tiny learning rates barely move from the start: the best candidate
    // uses a rate above e^-6 and reaches a mean squared error (standardised target) < 0.7.
    assert!(
        r.best_params.f64("learning_rate").unwrap() > (-6.0f64).exp(),
        "{}",
        r.best_params
    );
    assert!(r.best_score > -0.7, "{}", r.best_score);
}

#[test]
fn cross_val_score_with_stratified_folds_on_iris() {
    let d = bundled::iris().unwrap();
    let x = StandardScaler::fit(&d.x).unwrap().transform(&d.x).unwrap();
    let build = |_: &Params| -> GResult<Estimator> {
        let mut m = Sequential::new();
        m.add(Dense::new(16).activation(Activation::Relu));
        m.add(Dense::new(3).activation(Activation::Softmax));
        m.compile(
            OptimizerConfig::adam(0.02),
            LossConfig::sparse_categorical_crossentropy(),
            &[],
        )?;
        Ok(Estimator::new(
            m,
            FitConfig::new()
                .epochs(60)
                .batch_size(16)
                .verbose(Verbosity::Silent),
        ))
    };
    let options = CvOptions::new()
        .cv(StratifiedKFold::new(5))
        .scoring(Scoring::Accuracy);
    let scores = cross_val_score(&build, &Params::default(), &x, &d.y, options).unwrap();
    assert_eq!(scores.len(), 5);
    let mean = scores.iter().sum::<f64>() / 5.0;
    assert!(mean > 0.9, "{scores:?}");
}

/// A study whose objective trains with the pruning callback: the median pruner stops
/// trials whose validation loss lags the median of earlier trials at the same epoch.
#[test]
fn pruning_callback_reports_epochs_and_prunes_bad_trials() {
    let (x, y) = diabetes();
    let study = Study::builder()
        .sampler(RandomSampler)
        .pruner(
            MedianPruner::new(PercentileConfig {
                n_startup_trials: 3,
                n_warmup_steps: 2,
                ..PercentileConfig::default()
            })
            .unwrap(),
        )
        .seed(3)
        .build()
        .unwrap();
    let objective = |trial: &mut Trial| -> Result<f64, TrialError> {
        let lr = trial.suggest_float_log("learning_rate", 1e-5, 1e-1)?;
        let mut m = Sequential::new();
        m.add(Dense::new(8).activation(Activation::Relu));
        m.add(Dense::new(1));
        m.compile(OptimizerConfig::adam(lr), LossConfig::mse(), &[])?;
        // Nothing but the callback mentions pruning: the study records Pruned by itself.
        let cb = PruningCallback::new(trial.reporter(), "val_loss");
        let cfg = FitConfig::new()
            .epochs(15)
            .batch_size(32)
            .validation_split(0.2)
            .verbose(Verbosity::Silent)
            .callback(cb);
        let h = m.fit(&x, &y, cfg)?;
        Ok(h.last("val_loss").unwrap())
    };
    study
        .optimize(objective, OptimizeOptions::n_trials(16))
        .unwrap();
    let trials = study.trials().unwrap();
    let pruned: Vec<_> = trials
        .iter()
        .filter(|t| t.state == TrialState::Pruned)
        .collect();
    assert!(!pruned.is_empty(), "some trials are pruned");
    for t in &trials {
        let steps = t.intermediate_values.len();
        match t.state {
            TrialState::Complete => assert_eq!(steps, 15),
            TrialState::Pruned => assert!((3..15).contains(&steps), "{steps}"),
            other => panic!("unexpected state {other:?}"),
        }
    }
    // Pruned trials were worse than the best completed one at their last step, and carry
    // that step's value (Optuna's rule), not the value the objective returned.
    let best = study.best_value().unwrap();
    for t in pruned {
        let last = *t.intermediate_values.values().last().unwrap();
        assert!(last > best);
        assert_eq!(t.value, Some(last));
    }
}
