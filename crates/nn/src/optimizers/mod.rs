//! Optimizers: update rules ([`Sgd`], [`Adam`], [`Rmsprop`], [`Adagrad`]), learning-rate
//! schedules, gradient clipping and weight decay, with Keras's formulas and defaults.
//!
//! An [`OptimizerConfig`] (serialisable) builds an [`Optimizer`], whose whole state — the
//! step count and each parameter's slot vectors (`m`, `v`, …) — is the explicit
//! [`OptimizerState`], saved with the model so that training can resume exactly.
//!
//! One update, for every trainable parameter, in Keras's order:
//! 1. clip the gradient (`clipnorm` per tensor, `global_clipnorm` over all, or `clipvalue`);
//! 2. decoupled weight decay `w ← w − lr·wd·w` when `weight_decay` is set;
//! 3. the rule's update with `lr` evaluated at the current step, then the step count
//!    increases.

mod adagrad;
mod adam;
mod optimizer_names;
mod rmsprop;
mod schedule;
mod sgd;

pub use adagrad::Adagrad;
pub use adam::Adam;
pub use rmsprop::Rmsprop;
pub use schedule::{LearningRate, LearningRateSchedule};
use serde::{Deserialize, Serialize};
pub use sgd::Sgd;

use crate::{Error, FloatArg, Param, Result};

/// The step an update belongs to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// Step number, from 1 (Adam's bias correction uses it).
    pub t: u64,
    /// Learning rate for this step.
    pub lr: f32,
}

/// An element-wise update rule: the part of an optimizer that differs between SGD, Adam, ….
///
/// Every value of a parameter is updated independently of the others, so the optimizer
/// may hand the rule any contiguous piece of a parameter (it splits large ones across
/// threads).
pub trait UpdateRule: Send + Sync {
    /// How many state vectors (each as long as the parameter) the rule keeps.
    fn slots(&self) -> usize;

    /// Starting value of the state vectors (0 by default).
    fn initial_slot_value(&self) -> f32 {
        0.0
    }

    /// Updates `w` from the gradient `g` and the rule's state `slots` (exactly
    /// [`slots`](UpdateRule::slots) vectors, each as long as `w`).
    fn update(&self, step: Step, w: &mut [f32], g: &[f32], slots: &mut [&mut [f32]]);
}

/// The update rule of an optimizer. In a spec: its name with the rule's defaults
/// (`algorithm = "adam"`) or a one-entry table (`algorithm = { adam = { beta_1 = 0.8 } }`).
/// Names: `sgd`, `adam`, `adamw`, `rmsprop`, `adagrad` (see [`Algorithm::NAMES`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Algorithm {
    /// [`Sgd`].
    Sgd(Sgd),
    /// [`Adam`].
    Adam(Adam),
    /// [`Adam`] with decoupled weight decay (default 0.004).
    AdamW(Adam),
    /// [`Rmsprop`].
    Rmsprop(Rmsprop),
    /// [`Adagrad`].
    Adagrad(Adagrad),
}

impl Algorithm {
    fn rule(&self) -> &dyn UpdateRule {
        match self {
            Algorithm::Sgd(r) => r,
            Algorithm::Adam(r) | Algorithm::AdamW(r) => r,
            Algorithm::Rmsprop(r) => r,
            Algorithm::Adagrad(r) => r,
        }
    }

    /// Keras's default learning rate: 0.01 for SGD, 0.001 for the others.
    pub fn default_learning_rate(&self) -> f32 {
        match self {
            Algorithm::Sgd(_) => 0.01,
            _ => 0.001,
        }
    }

    /// Keras's default weight decay: 0.004 for AdamW, none for the others.
    pub fn default_weight_decay(&self) -> Option<f32> {
        match self {
            Algorithm::AdamW(_) => Some(0.004),
            _ => None,
        }
    }
}

/// The serialisable description of an optimizer: rule, learning rate, weight decay and
/// clipping. Unset fields take Keras's defaults for the rule.
///
/// Built with an associated function per rule, taking the learning rate as `f32`, `f64`
/// (a tuning suggestion) or a [`LearningRateSchedule`] — [`sgd`](OptimizerConfig::sgd),
/// [`adam`](OptimizerConfig::adam), [`adamw`](OptimizerConfig::adamw),
/// [`rmsprop`](OptimizerConfig::rmsprop), [`adagrad`](OptimizerConfig::adagrad) — or
/// `From` a rule with its options, or parsed from a Keras name with every default
/// (`"adam"`: learning rate 0.001; `"sgd"`: 0.01). In serde formats it is the name
/// (`optimizer = "adam"`) or the full table (`optimizer = { algorithm = "adam",
/// learning_rate = 0.01 }`).
///
/// ```
/// use gradus_nn::{Adam, OptimizerConfig, Sgd};
/// let sgd = OptimizerConfig::from(Sgd { momentum: 0.9, nesterov: true }).learning_rate(0.05);
/// let adam = OptimizerConfig::from(Adam::default()).clipnorm(1.0);
/// assert_eq!(adam.resolved_learning_rate().at(0), 0.001);
/// assert_eq!(sgd.resolved_learning_rate().at(0), 0.05);
/// let rmsprop: OptimizerConfig = "rmsprop".parse().unwrap();
/// assert_eq!(rmsprop.resolved_learning_rate().at(0), 0.001);
/// assert_eq!(rmsprop.to_string(), "rmsprop");
/// let suggested: f64 = 0.02;
/// assert_eq!(OptimizerConfig::sgd(suggested).resolved_learning_rate().at(0), 0.02f32);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OptimizerConfig {
    /// The update rule.
    pub algorithm: Algorithm,
    /// Constant rate or schedule (default: the rule's Keras default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learning_rate: Option<LearningRate>,
    /// Decoupled weight decay `wd` (default: none; AdamW 0.004).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_decay: Option<f32>,
    /// Rescale each gradient tensor to at most this L2 norm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clipnorm: Option<f32>,
    /// Clip each gradient value to `[−clipvalue, clipvalue]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clipvalue: Option<f32>,
    /// Rescale all gradients together to at most this global L2 norm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_clipnorm: Option<f32>,
}

impl OptimizerConfig {
    /// A configuration with the rule's defaults.
    pub fn new(algorithm: Algorithm) -> OptimizerConfig {
        OptimizerConfig {
            algorithm,
            learning_rate: None,
            weight_decay: None,
            clipnorm: None,
            clipvalue: None,
            global_clipnorm: None,
        }
    }

    /// Keras `SGD(learning_rate)` (no momentum; Keras's default rate is 0.01).
    pub fn sgd(learning_rate: impl Into<LearningRate>) -> OptimizerConfig {
        OptimizerConfig::from(Sgd::default()).learning_rate(learning_rate)
    }

    /// Keras `Adam(learning_rate)` (Keras's default rate is 0.001).
    pub fn adam(learning_rate: impl Into<LearningRate>) -> OptimizerConfig {
        OptimizerConfig::from(Adam::default()).learning_rate(learning_rate)
    }

    /// Keras `AdamW(learning_rate)` (weight decay 0.004; Keras's default rate is 0.001).
    pub fn adamw(learning_rate: impl Into<LearningRate>) -> OptimizerConfig {
        OptimizerConfig::new(Algorithm::AdamW(Adam::default())).learning_rate(learning_rate)
    }

    /// Keras `RMSprop(learning_rate)` (Keras's default rate is 0.001).
    pub fn rmsprop(learning_rate: impl Into<LearningRate>) -> OptimizerConfig {
        OptimizerConfig::from(Rmsprop::default()).learning_rate(learning_rate)
    }

    /// Keras `Adagrad(learning_rate)` (Keras's default rate is 0.001).
    pub fn adagrad(learning_rate: impl Into<LearningRate>) -> OptimizerConfig {
        OptimizerConfig::from(Adagrad::default()).learning_rate(learning_rate)
    }

    /// Sets a constant learning rate (`f32` or `f64`) or a schedule.
    pub fn learning_rate(mut self, lr: impl Into<LearningRate>) -> OptimizerConfig {
        self.learning_rate = Some(lr.into());
        self
    }

    /// Sets decoupled weight decay.
    pub fn weight_decay(mut self, wd: impl FloatArg) -> OptimizerConfig {
        self.weight_decay = Some(wd.to_f32());
        self
    }

    /// Sets per-tensor norm clipping.
    pub fn clipnorm(mut self, c: impl FloatArg) -> OptimizerConfig {
        self.clipnorm = Some(c.to_f32());
        self
    }

    /// Sets value clipping.
    pub fn clipvalue(mut self, c: impl FloatArg) -> OptimizerConfig {
        self.clipvalue = Some(c.to_f32());
        self
    }

    /// Sets global norm clipping.
    pub fn global_clipnorm(mut self, c: impl FloatArg) -> OptimizerConfig {
        self.global_clipnorm = Some(c.to_f32());
        self
    }

    /// The learning rate, with the rule's default when unset.
    pub fn resolved_learning_rate(&self) -> LearningRate {
        self.learning_rate.clone().unwrap_or(LearningRate::Constant(
            self.algorithm.default_learning_rate(),
        ))
    }

    /// Checks every value (rates ≥ 0, betas in [0, 1), at most one clipping option, …).
    pub fn validate(&self) -> Result<()> {
        self.resolved_learning_rate().validate()?;
        let clips = [self.clipnorm, self.clipvalue, self.global_clipnorm];
        if clips.iter().flatten().count() > 1 {
            return Err(Error::config(
                "optimizer clipping",
                "several options",
                "at most one of clipnorm, clipvalue and global_clipnorm (as Keras)",
            ));
        }
        let positive = |field: &str, v: Option<f32>| match v {
            Some(v) if !(v.is_finite() && v > 0.0) => Err(Error::config(
                format!("optimizer.{field}"),
                v,
                "a finite value > 0",
            )),
            _ => Ok(()),
        };
        positive("clipnorm", self.clipnorm)?;
        positive("clipvalue", self.clipvalue)?;
        positive("global_clipnorm", self.global_clipnorm)?;
        if let Some(wd) = self.weight_decay.filter(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(Error::config(
                "optimizer.weight_decay",
                wd,
                "a finite value ≥ 0",
            ));
        }
        let unit = |field: &str, v: f32| {
            if (0.0..1.0).contains(&v) {
                Ok(())
            } else {
                Err(Error::config(
                    format!("optimizer.{field}"),
                    v,
                    "a value in [0, 1)",
                ))
            }
        };
        match self.algorithm {
            Algorithm::Sgd(s) => unit("momentum", s.momentum)?,
            Algorithm::Adam(a) | Algorithm::AdamW(a) => {
                unit("beta_1", a.beta_1)?;
                unit("beta_2", a.beta_2)?;
                positive("epsilon", Some(a.epsilon))?;
            }
            Algorithm::Rmsprop(r) => {
                unit("rho", r.rho)?;
                unit("momentum", r.momentum)?;
                positive("epsilon", Some(r.epsilon))?;
            }
            Algorithm::Adagrad(a) => {
                positive("epsilon", Some(a.epsilon))?;
                if a.initial_accumulator_value.is_nan() || a.initial_accumulator_value < 0.0 {
                    return Err(Error::config(
                        "optimizer.initial_accumulator_value",
                        a.initial_accumulator_value,
                        "a value ≥ 0",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The runtime optimizer with a fresh state.
    ///
    /// # Errors
    /// An invalid value (see [`OptimizerConfig::validate`]).
    pub fn build(&self) -> Result<Optimizer> {
        self.validate()?;
        Ok(Optimizer {
            config: self.clone(),
            state: OptimizerState::default(),
        })
    }
}

macro_rules! from_rule {
    ($($t:ident => $v:ident),*) => {$(
        impl From<$t> for OptimizerConfig {
            fn from(rule: $t) -> OptimizerConfig {
                OptimizerConfig::new(Algorithm::$v(rule))
            }
        }
    )*};
}
from_rule!(Sgd => Sgd, Adam => Adam, Rmsprop => Rmsprop, Adagrad => Adagrad);

/// Everything an optimizer learns while training: the number of updates done and, per
/// trainable parameter (in model order), the rule's slot vectors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OptimizerState {
    /// Updates done so far (Keras `optimizer.iterations`).
    pub iterations: u64,
    /// `slots[param][slot]`, allocated on the first update.
    #[serde(skip)]
    pub slots: Vec<Vec<Vec<f32>>>,
}

/// An optimizer: its configuration and its state.
#[derive(Clone, Debug)]
pub struct Optimizer {
    config: OptimizerConfig,
    state: OptimizerState,
}

/// Values per piece when a large parameter is updated on several threads.
const PARALLEL_GRAIN: usize = 1 << 15;

impl Optimizer {
    /// The configuration.
    pub fn config(&self) -> &OptimizerConfig {
        &self.config
    }

    /// The state.
    pub fn state(&self) -> &OptimizerState {
        &self.state
    }

    /// Forgets the per-parameter slots (moment estimates, accumulators), as after a fresh
    /// `compile`, keeping the step count; they start again at their initial values.
    pub fn clear_slots(&mut self) {
        self.state.slots.clear();
    }

    /// Replaces the state (when resuming from a checkpoint).
    pub fn set_state(&mut self, state: OptimizerState) {
        self.state = state;
    }

    /// The learning rate of the next update.
    pub fn current_learning_rate(&self) -> f32 {
        // Not through `resolved_learning_rate`, which clones the schedule: a piecewise
        // schedule's vectors would be allocated on every update.
        match &self.config.learning_rate {
            Some(lr) => lr.at(self.state.iterations),
            None => self.config.algorithm.default_learning_rate(),
        }
    }

    /// Sets a new constant learning rate (what `ReduceLROnPlateau` does).
    ///
    /// # Errors
    /// When the learning rate is a schedule, as Keras refuses too.
    pub fn set_learning_rate(&mut self, lr: f32) -> Result<()> {
        if let Some(LearningRate::Schedule(_)) = self.config.learning_rate {
            return Err(Error::config(
                "optimizer.learning_rate",
                "a schedule",
                "a constant learning rate to be changed by a callback (ReduceLROnPlateau)",
            ));
        }
        self.config.learning_rate = Some(LearningRate::Constant(lr));
        Ok(())
    }

    /// The factor all gradients are scaled by under `global_clipnorm` (1 otherwise), from
    /// the sum of squares of every trainable gradient.
    pub fn global_clip_scale(&self, sum_squares: f64) -> f32 {
        match self.config.global_clipnorm {
            Some(c) => {
                let norm = sum_squares.sqrt();
                (c as f64 / norm.max(c as f64)) as f32
            }
            None => 1.0,
        }
    }

    /// Whether [`Optimizer::global_clip_scale`] needs the gradients' sum of squares.
    pub fn needs_global_norm(&self) -> bool {
        self.config.global_clipnorm.is_some()
    }

    /// Updates trainable parameter number `index` (its position among the model's trainable
    /// parameters) from its gradient. `global_scale` comes from
    /// [`Optimizer::global_clip_scale`]. The gradient is clipped in place. Returns whether
    /// every new value is finite (a non-finite gradient, or an update that overflows,
    /// makes it false).
    pub fn update(&mut self, index: usize, param: &mut Param, global_scale: f32) -> bool {
        let rule = self.config.algorithm.rule();
        let n = param.value.len();
        let lr = self.current_learning_rate();
        if self.state.slots.len() <= index {
            self.state.slots.resize_with(index + 1, Vec::new);
        }
        let slots = &mut self.state.slots[index];
        if slots.len() != rule.slots() || slots.first().is_some_and(|s| s.len() != n) {
            *slots = vec![vec![rule.initial_slot_value(); n]; rule.slots()];
        }
        let g = param.grad.data_mut();
        clip(&self.config, g, global_scale);
        let w = param.value.data_mut();
        if let Some(wd) = self
            .config
            .weight_decay
            .or(self.config.algorithm.default_weight_decay())
        {
            let k = 1.0 - lr * wd;
            w.iter_mut().for_each(|v| *v *= k);
        }
        let step = Step {
            t: self.state.iterations + 1,
            lr,
        };
        let mut views: [&mut [f32]; 3] = [&mut [], &mut [], &mut []];
        for (v, s) in views.iter_mut().zip(slots.iter_mut()) {
            *v = s.as_mut_slice();
        }
        split_update(rule, step, w, g, views, rule.slots())
    }

    /// Ends an update of all parameters: the step count increases.
    pub fn finish_step(&mut self) {
        self.state.iterations += 1;
    }
}

fn clip(config: &OptimizerConfig, g: &mut [f32], global_scale: f32) {
    if let Some(c) = config.clipnorm {
        let norm = gradus_tensor::ops::sum_squares(g).sqrt() as f32;
        if norm > c {
            let k = c / norm;
            g.iter_mut().for_each(|v| *v *= k);
        }
    } else if let Some(c) = config.clipvalue {
        g.iter_mut().for_each(|v| *v = v.clamp(-c, c));
    } else if global_scale != 1.0 {
        g.iter_mut().for_each(|v| *v *= global_scale);
    }
}

/// Values a rule updates between two finiteness checks: small enough that the check reads
/// them back from L1 cache right after they were written.
const CHECK_PIECE: usize = 4096;

/// Runs `rule` over `w`, halving the slices and running the halves with `rayon::join` while
/// they exceed [`PARALLEL_GRAIN`] (only when the pool has several threads); returns whether
/// every updated value is finite. Allocates nothing.
fn split_update(
    rule: &dyn UpdateRule,
    step: Step,
    w: &mut [f32],
    g: &[f32],
    slots: [&mut [f32]; 3],
    n_slots: usize,
) -> bool {
    if w.len() <= PARALLEL_GRAIN || rayon::current_num_threads() == 1 {
        let mut slots = slots;
        let mut finite = true;
        for start in (0..w.len()).step_by(CHECK_PIECE) {
            let end = (start + CHECK_PIECE).min(w.len());
            let mut views: [&mut [f32]; 3] = [&mut [], &mut [], &mut []];
            for (v, s) in views.iter_mut().zip(slots.iter_mut()).take(n_slots) {
                *v = &mut s[start..end];
            }
            let piece = &mut w[start..end];
            rule.update(step, piece, &g[start..end], &mut views[..n_slots]);
            finite &= gradus_tensor::ops::all_finite(piece);
        }
        return finite;
    }
    let mid = w.len() / 2;
    let (w1, w2) = w.split_at_mut(mid);
    let (g1, g2) = g.split_at(mid);
    let [a, b, c] = slots;
    let ((a1, a2), (b1, b2), (c1, c2)) = (halves(a, mid), halves(b, mid), halves(c, mid));
    let (first, second) = rayon::join(
        || split_update(rule, step, w1, g1, [a1, b1, c1], n_slots),
        || split_update(rule, step, w2, g2, [a2, b2, c2], n_slots),
    );
    first && second
}

/// `s` split at `mid`, or two empty slices for an unused (empty) slot.
fn halves(s: &mut [f32], mid: usize) -> (&mut [f32], &mut [f32]) {
    if s.is_empty() {
        (&mut [], &mut [])
    } else {
        s.split_at_mut(mid)
    }
}

#[cfg(test)]
mod tests;
