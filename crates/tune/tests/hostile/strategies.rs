//! The hostile inputs: numbers of every class and magnitude, parameter values, suggestions
//! through the typed API, and the samplers and pruners under test.

use gradus_tune::samplers::tpe::{MagicClip, TpeConfig};
use gradus_tune::{
    Distribution, GpConfig, GpSampler, ParamValue, Pruner, RandomSampler, Sampler, TpeSampler,
    Trial,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use std::collections::BTreeMap;

pub(crate) fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -10.0..10.0f64,
        2 => any::<f64>(), // every class: normal, subnormal, zero, ±inf, NaN
        2 => select(vec![
            0.0, -0.0, 1.0, f64::MAX, -f64::MAX, f64::MIN_POSITIVE, 5e-324, 1e300, -1e300,
            f64::EPSILON, f64::INFINITY, f64::NEG_INFINITY, f64::NAN,
        ]),
    ]
}

pub(crate) fn any_i64() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => -20i64..20,
        2 => any::<i64>(),
        2 => select(vec![
            i64::MIN, i64::MIN + 1, i64::MAX, i64::MAX - 1, 1 << 53, (1 << 53) + 1, -(1 << 62),
            (1 << 62) - 1, 0, 1, 2,
        ]),
    ]
}

pub(crate) fn any_value() -> impl Strategy<Value = ParamValue> {
    prop_oneof![
        any_f64().prop_map(ParamValue::Float),
        any_i64().prop_map(ParamValue::Int),
        any::<bool>().prop_map(ParamValue::Bool),
        select(vec!["a", "b", ""]).prop_map(ParamValue::from),
    ]
}

/// One suggestion through the typed API.
#[derive(Clone, Debug)]
pub(crate) enum Spec {
    Float(f64, f64),
    FloatLog(f64, f64),
    FloatStep(f64, f64, f64),
    Int(i64, i64),
    IntStep(i64, i64, i64),
    IntLog(i64, i64),
    Categorical(Vec<ParamValue>),
}

pub(crate) fn any_spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        (any_f64(), any_f64()).prop_map(|(a, b)| Spec::Float(a, b)),
        (any_f64(), any_f64()).prop_map(|(a, b)| Spec::FloatLog(a, b)),
        (any_f64(), any_f64(), any_f64()).prop_map(|(a, b, s)| Spec::FloatStep(a, b, s)),
        (any_i64(), any_i64()).prop_map(|(a, b)| Spec::Int(a, b)),
        (any_i64(), any_i64(), any_i64()).prop_map(|(a, b, s)| Spec::IntStep(a, b, s)),
        (any_i64(), any_i64()).prop_map(|(a, b)| Spec::IntLog(a, b)),
        vec(any_value(), 0..4).prop_map(Spec::Categorical),
    ]
}

impl Spec {
    pub(crate) fn suggest(&self, t: &mut Trial, name: &str) -> gradus_tune::Result<ParamValue> {
        Ok(match self.clone() {
            Spec::Float(a, b) => t.suggest_float(name, a, b)?.into(),
            Spec::FloatLog(a, b) => t.suggest_float_log(name, a, b)?.into(),
            Spec::FloatStep(a, b, s) => t.suggest_float_step(name, a, b, s)?.into(),
            Spec::Int(a, b) => t.suggest_int(name, a, b)?.into(),
            Spec::IntStep(a, b, s) => t.suggest_int_step(name, a, b, s)?.into(),
            Spec::IntLog(a, b) => t.suggest_int_log(name, a, b)?.into(),
            Spec::Categorical(c) => t.suggest_categorical(name, &c)?,
        })
    }

    pub(crate) fn distribution(&self, name: &str) -> gradus_tune::Result<Distribution> {
        match self.clone() {
            Spec::Float(a, b) => Distribution::float(name, a, b),
            Spec::FloatLog(a, b) => Distribution::float_log(name, a, b),
            Spec::FloatStep(a, b, s) => Distribution::float_step(name, a, b, s),
            Spec::Int(a, b) => Distribution::int(name, a, b),
            Spec::IntStep(a, b, s) => Distribution::int_step(name, a, b, s),
            Spec::IntLog(a, b) => Distribution::int_log(name, a, b),
            Spec::Categorical(c) => Distribution::categorical(name, c),
        }
    }
}

/// The samplers under test: random, TPE with each preset, TPE without the magic clip, GP
/// (small sweeps, so that a case stays fast).
pub(crate) fn sampler(kind: u8) -> Box<dyn Sampler> {
    let tpe = |c: TpeConfig| Box::new(TpeSampler::new(c).unwrap()) as Box<dyn Sampler>;
    let fast = |c: TpeConfig| TpeConfig {
        n_startup_trials: 4,
        ..c
    };
    match kind % 7 {
        0 => Box::new(RandomSampler),
        1 => tpe(fast(TpeConfig::default())),
        2 => tpe(fast(TpeConfig::default().univariate())),
        3 => tpe(fast(TpeConfig::hyperopt())),
        4 => tpe(fast(TpeConfig::watanabe_recommended())),
        5 => tpe(fast(TpeConfig {
            magic_clip: MagicClip::Off,
            ..TpeConfig::default()
        })),
        _ => Box::new(
            GpSampler::new(GpConfig {
                n_startup_trials: 4,
                n_preliminary_samples: 64,
                n_local_search: 3,
                ..GpConfig::default()
            })
            .unwrap(),
        ),
    }
}

/// A boxed sampler as a `Sampler` value for the builder.
#[derive(Debug)]
pub(crate) struct Boxed(pub(crate) Box<dyn Sampler>);

impl Sampler for Boxed {
    fn sample_relative(
        &self,
        ctx: &gradus_tune::SamplerContext<'_>,
        trial: &gradus_tune::FrozenTrial,
        rng: &mut gradus_tune::rng::TrialRng,
    ) -> gradus_tune::Result<BTreeMap<String, ParamValue>> {
        self.0.sample_relative(ctx, trial, rng)
    }
    fn sample_independent(
        &self,
        ctx: &gradus_tune::SamplerContext<'_>,
        trial: &gradus_tune::FrozenTrial,
        name: &str,
        d: &Distribution,
        rng: &mut gradus_tune::rng::TrialRng,
    ) -> gradus_tune::Result<ParamValue> {
        self.0.sample_independent(ctx, trial, name, d, rng)
    }
    fn is_exhausted(&self, ctx: &gradus_tune::SamplerContext<'_>) -> gradus_tune::Result<bool> {
        self.0.is_exhausted(ctx)
    }
}

/// A boxed pruner as a `Pruner` value for the builder.
#[derive(Debug)]
pub(crate) struct BoxedPruner(pub(crate) Box<dyn Pruner>);

impl Pruner for BoxedPruner {
    fn prune(
        &self,
        ctx: &gradus_tune::PrunerContext<'_>,
        trial: &gradus_tune::FrozenTrial,
    ) -> gradus_tune::Result<bool> {
        self.0.prune(ctx, trial)
    }
}
