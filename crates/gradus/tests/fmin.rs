//! `fmin` and the `hp` expressions: hyperopt's semantics over a tuner study.

use gradus::prelude::*;
use gradus::tune::ParamValue;
use gradus::{Error, FminResult};
use proptest::prelude::*;

fn quadratic(p: &Params) -> gradus::Result<f64> {
    Ok((p.f64("x")? - 3.0).powi(2))
}

fn line() -> SearchSpace {
    SearchSpace::new().param("x", hp::uniform(-10.0, 10.0))
}

/// Every evaluated value of `name`, failed evaluations included.
fn values(r: &FminResult, name: &str) -> Vec<ParamValue> {
    r.study
        .trials()
        .unwrap()
        .iter()
        .map(|t| t.params[name].clone())
        .collect()
}

#[test]
fn tpe_and_random_reach_the_minimum_of_a_quadratic() {
    let tpe = fmin(quadratic, &line(), Algo::Tpe, 60, 1).unwrap();
    let x = tpe.best_params.f64("x").unwrap();
    assert!((x - 3.0).abs() < 0.3, "TPE: {x}");
    assert!((tpe.best_loss - (x - 3.0).powi(2)).abs() < 1e-12);
    assert_eq!(tpe.study.trials().unwrap().len(), 60);
    assert_eq!(tpe.n_failed, 0);
    let random = fmin(quadratic, &line(), Algo::Random, 200, 1).unwrap();
    let x = random.best_params.f64("x").unwrap();
    assert!((x - 3.0).abs() < 0.5, "random: {x}");
    // TPE concentrates where the loss is small: its last 20 points beat random's.
    let tail = |r: &FminResult| {
        let l = r.losses().unwrap();
        l[l.len() - 20..].iter().map(|v| v.unwrap()).sum::<f64>()
    };
    assert!(
        tail(&tpe) < tail(&random),
        "{} vs {}",
        tail(&tpe),
        tail(&random)
    );
}

#[test]
fn the_same_seed_gives_the_same_result() {
    for algo in [Algo::Tpe, Algo::Random] {
        let a = fmin(quadratic, &line(), algo, 30, 5).unwrap();
        let b = fmin(quadratic, &line(), algo, 30, 5).unwrap();
        let c = fmin(quadratic, &line(), algo, 30, 6).unwrap();
        assert_eq!(a.best_params, b.best_params, "{algo:?}");
        assert_eq!(a.losses().unwrap(), b.losses().unwrap(), "{algo:?}");
        assert_ne!(a.losses().unwrap(), c.losses().unwrap(), "{algo:?}");
    }
}

#[test]
fn best_params_are_the_chosen_values_not_indices() {
    let space = SearchSpace::new()
        .param("act", hp::choice(&["relu", "tanh", "gelu"]))
        .param("batch_size", hp::choice(&[10, 20, 30]))
        .param("units", hp::randint(4))
        .param("layers", hp::uniformint(1, 3));
    // The loss depends on the two choices only (9 combinations; the best is tanh, 30).
    let objective = |p: &Params| {
        let act = if p.str("act")? == "tanh" { 0.0 } else { 1.0 };
        Ok(act + (30 - p.i64("batch_size")?) as f64 / 10.0)
    };
    let r = fmin(objective, &space, Algo::Tpe, 40, 0).unwrap();
    assert_eq!(r.best_params.str("act").unwrap(), "tanh");
    assert_eq!(r.best_params.i64("batch_size").unwrap(), 30);
    assert_eq!(r.best_loss, 0.0);
    let shown = r.best_params.to_string();
    assert!(
        shown.starts_with("{act: tanh, batch_size: 30, layers: "),
        "{shown}"
    );
    for v in values(&r, "units") {
        assert!(matches!(v, ParamValue::Int(0..=3)), "{v}");
    }
    for v in values(&r, "layers") {
        assert!(matches!(v, ParamValue::Int(1..=3)), "{v}");
    }
}

#[test]
fn loguniform_bounds_are_exponents_as_in_hyperopt() {
    let space = SearchSpace::new().param("lr", hp::loguniform(-5.0, 0.0));
    let objective = |p: &Params| Ok((p.f64("lr")?.ln() + 4.0).abs());
    for algo in [Algo::Random, Algo::Tpe] {
        let r = fmin(objective, &space, algo, 200, 3).unwrap();
        let lrs: Vec<f64> = values(&r, "lr")
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let (lo, hi) = ((-5.0f64).exp(), 1.0);
        assert!(lrs.iter().all(|&v| lo <= v && v <= hi), "{algo:?}");
        let lr = r.best_params.f64("lr").unwrap();
        assert!((lr.ln() + 4.0).abs() < 0.2, "{algo:?}: {lr}");
        if algo == Algo::Random {
            // Log-uniform: half the draws below e^-2.5 (a uniform [e^-5, 1] would put 7.6%
            // there), and both ends of the range reached.
            let below = lrs.iter().filter(|&&v| v < (-2.5f64).exp()).count();
            assert!((70..=130).contains(&below), "{below} of 200");
            assert!(lrs.iter().any(|&v| v < (-4.5f64).exp()));
            assert!(lrs.iter().any(|&v| v > (-0.5f64).exp()));
        }
    }
}

#[test]
fn quniform_gives_multiples_of_q_as_hyperopt_rounds() {
    // round(uniform(1, 10) / 3) · 3 takes the values 0, 3, 6, 9.
    let space = SearchSpace::new()
        .param("k", hp::quniform(1.0, 10.0, 3.0))
        .param("w", hp::quniform(0.0, 1.0, 0.1));
    let r = fmin(
        |p| Ok(p.f64("k")? + p.f64("w")?),
        &space,
        Algo::Random,
        100,
        0,
    )
    .unwrap();
    let mut ks: Vec<f64> = values(&r, "k")
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    ks.sort_by(f64::total_cmp);
    ks.dedup();
    assert_eq!(ks, [0.0, 3.0, 6.0, 9.0]);
    for w in values(&r, "w") {
        let w = w.as_f64().unwrap();
        assert!((0.0..=1.0 + 1e-12).contains(&w), "{w}");
        assert!((w / 0.1 - (w / 0.1).round()).abs() < 1e-9, "{w}");
    }
    assert_eq!(r.best_params.f64("k").unwrap(), 0.0);
}

#[test]
fn failing_evaluations_are_kept_and_skipped() {
    let objective = |p: &Params| -> gradus::Result<f64> {
        let x = p.f64("x")?;
        if x < -5.0 {
            Err(Error::Search("the model diverged".into()))
        } else if x < 0.0 {
            Ok(f64::NAN)
        } else if x > 8.0 {
            Ok(f64::NEG_INFINITY)
        } else {
            Ok((x - 3.0).powi(2))
        }
    };
    let r = fmin(objective, &line(), Algo::Random, 60, 2).unwrap();
    let losses = r.losses().unwrap();
    let failed = losses.iter().filter(|l| l.is_none()).count();
    assert!(failed > 10, "{failed}");
    assert_eq!(r.n_failed, failed);
    let x = r.best_params.f64("x").unwrap();
    assert!((0.0..=8.0).contains(&x) && r.best_loss.is_finite(), "{x}");
    let reasons: Vec<String> = r
        .study
        .trials()
        .unwrap()
        .iter()
        .filter_map(|t| t.fail_reason().map(String::from))
        .collect();
    assert!(reasons.iter().any(|m| m.contains("the model diverged")));
    assert!(reasons.iter().any(|m| m.contains("loss NaN")));
    assert!(reasons.iter().any(|m| m.contains("loss -inf")));

    let e = fmin(|_| Ok(f64::NAN), &line(), Algo::Tpe, 5, 0).unwrap_err();
    assert!(
        e.to_string().contains(
            "all 5 evaluations failed; the first error: the objective returned the loss NaN"
        ),
        "{e}"
    );
}

#[test]
fn bad_settings_are_errors_that_say_so() {
    let e = fmin(quadratic, &line(), Algo::Tpe, 0, 0).unwrap_err();
    assert!(e.to_string().contains("max_evals is 0"), "{e}");
    let e = fmin(quadratic, &SearchSpace::new(), Algo::Tpe, 5, 0).unwrap_err();
    assert!(e.to_string().contains("no parameter"), "{e}");
    let bad = SearchSpace::new().param("lr", hp::loguniform(0.0, -5.0));
    let e = fmin(quadratic, &bad, Algo::Tpe, 5, 0).unwrap_err();
    assert!(e.to_string().contains("parameter `lr`"), "{e}");
    let e = fmin_with(quadratic, &line(), FminOptions::new().n_jobs(0)).unwrap_err();
    assert!(e.to_string().contains("n_jobs"), "{e}");
    let unknown = serde_json::from_str::<FminOptions>(r#"{"max_eval": 3}"#);
    assert!(unknown.unwrap_err().to_string().contains("max_eval"));
}

#[test]
fn parallel_evaluations_run_them_all() {
    let options = FminOptions::new().max_evals(24).n_jobs(3).seed(9);
    let r = fmin_with(quadratic, &line(), options).unwrap();
    assert_eq!(r.losses().unwrap().len(), 24);
    assert!(r.best_loss < 4.0, "{}", r.best_loss);
}

fn hostile_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -20.0f64..20.0,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => Just(f64::MAX),
        1 => Just(-f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
        1 => Just(1e-300),
        1 => Just(800.0),
        1 => Just(-800.0),
        1 => any::<f64>(),
    ]
}

fn hostile_i64() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => -20i64..20,
        1 => Just(i64::MIN),
        1 => Just(i64::MAX),
        1 => Just(0),
        1 => any::<i64>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 600,
        rng_seed: proptest::test_runner::RngSeed::Fixed(11),
        ..ProptestConfig::default()
    })]

    /// Any bounds given to any hp expression: an error naming the parameter, or a
    /// distribution that three evaluations of fmin draw from; never a panic. NaN, infinite
    /// and reversed bounds and a q that is not positive are errors.
    #[test]
    fn hp_expressions_of_hostile_bounds(
        lo in hostile_f64(), hi in hostile_f64(), q in hostile_f64(),
        ilo in hostile_i64(), ihi in hostile_i64(),
    ) {
        let bad = !(lo.is_finite() && hi.is_finite()) || lo > hi;
        let exprs = [
            (hp::uniform(lo, hi), bad),
            (hp::loguniform(lo, hi), bad),
            (hp::quniform(lo, hi, q), bad || !(q > 0.0 && q.is_finite())),
            (hp::uniformint(ilo, ihi), ilo > ihi),
            (hp::randint(ilo), ilo < 1),
            (hp::choice(&[lo, hi]), !(lo.is_finite() && hi.is_finite())),
        ];
        for (expr, must_fail) in exprs {
            let space = SearchSpace::new().param("p", expr.clone());
            match expr.to_distribution("p") {
                Err(e) => {
                    prop_assert!(e.to_string().contains("parameter `p`"), "{}", e);
                    let e = fmin(|_| Ok(0.0), &space, Algo::Random, 3, 0).unwrap_err();
                    prop_assert!(e.to_string().contains("parameter `p`"), "{}", e);
                }
                Ok(d) => {
                    prop_assert!(!must_fail, "{:?} gave {}", expr, d);
                    prop_assert!(d.validate("p").is_ok());
                    let r = fmin(|_| Ok(0.0), &space, Algo::Tpe, 3, 0).unwrap();
                    for v in values(&r, "p") {
                        prop_assert!(d.contains_value(&v), "{} not in {}", v, d);
                    }
                }
            }
        }
    }
}
