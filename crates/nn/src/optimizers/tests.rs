//! Trajectories on a fixed quadratic against the Keras update formulas.
//!
//! Golden values from this NumPy transcription of the Keras 3 update steps, on
//! f(w) = ½ Σ a_i (w_i − c_i)², w0 = [1, −2, 0.5], a = [1, 3, 0.5], c = [0.5, 0, −1]:
//!
//! ```python
//! import numpy as np
//! w0=np.array([1.0,-2.0,0.5]); a=np.array([1.0,3.0,0.5]); c=np.array([0.5,0.0,-1.0])
//! grad=lambda w: a*(w-c)
//! def run(step, n=5, clip=None, wd=None, lr=lambda t:0.1):
//!     w=w0.copy(); st={}
//!     for t in range(n):
//!         g=grad(w)
//!         if clip and clip[0]=='norm': nn=np.sqrt((g*g).sum()); g=g*clip[1]/max(nn,clip[1])
//!         if clip and clip[0]=='value': g=np.clip(g,-clip[1],clip[1])
//!         if clip and clip[0]=='global': nn=np.sqrt((g*g).sum()); g=g*min(clip[1]/nn,1.0)
//!         l=lr(t)
//!         if wd: w=w-w*wd*l
//!         w=step(w,g,l,t+1,st)
//!     return w
//! def sgd(mu=0.0,nest=False):
//!     def f(w,g,lr,t,st):
//!         if mu==0: return w-lr*g
//!         m=st.get('m',np.zeros(3)); m=mu*m-lr*g; st['m']=m
//!         return w+mu*m-lr*g if nest else w+m
//!     return f
//! def adam(b1=0.9,b2=0.999,eps=1e-7,ams=False):
//!     def f(w,g,lr,t,st):
//!         m=st.get('m',np.zeros(3)); v=st.get('v',np.zeros(3)); vh=st.get('vh',np.zeros(3))
//!         al=lr*np.sqrt(1-b2**t)/(1-b1**t); m=m+(g-m)*(1-b1); v=v+(g*g-v)*(1-b2); vh=np.maximum(vh,v)
//!         st.update(m=m,v=v,vh=vh); return w-al*m/(np.sqrt(vh if ams else v)+eps)
//!     return f
//! def rms(rho=0.9,mu=0.0,eps=1e-7,cent=False):
//!     def f(w,g,lr,t,st):
//!         s=st.get('s',np.zeros(3)); ag=st.get('ag',np.zeros(3)); u=st.get('u',np.zeros(3))
//!         s=rho*s+(1-rho)*g*g
//!         if cent: ag=rho*ag+(1-rho)*g; d=s-ag*ag+eps
//!         else: d=s+eps
//!         inc=lr*g/np.sqrt(d); st.update(s=s,ag=ag)
//!         if mu>0: u=mu*u+inc; st['u']=u; return w-u
//!         return w-inc
//!     return f
//! def adagrad(init=0.1,eps=1e-7):
//!     def f(w,g,lr,t,st):
//!         acc=st.get('a',np.full(3,init)); acc=acc+g*g; st['a']=acc; return w-lr*g/np.sqrt(acc+eps)
//!     return f
//! # e.g. run(sgd(0.9)), run(adam(), wd=0.1), run(rms(mu=0.5,cent=True), lr=lambda t:0.01),
//! # run(adam(), clip=('global',1.0)), run(sgd(), lr=lambda t:0.1*0.5**(t/2)), run(adam(b2=0.5,ams=True), n=10)
//! ```

use gradus_tensor::Tensor;

use super::*;

const A: [f32; 3] = [1.0, 3.0, 0.5];
const C: [f32; 3] = [0.5, 0.0, -1.0];

fn trajectory(config: OptimizerConfig, steps: usize) -> Vec<f32> {
    let mut opt = config.build().unwrap();
    let mut p = Param::trainable(
        "w",
        Tensor::from_vec(vec![1.0, -2.0, 0.5], &[3]).unwrap(),
        None,
    );
    for _ in 0..steps {
        for i in 0..3 {
            p.grad.data_mut()[i] = A[i] * (p.value.data()[i] - C[i]);
        }
        let ss = gradus_tensor::ops::sum_squares(p.grad.data());
        let scale = opt.global_clip_scale(ss);
        opt.update(0, &mut p, scale);
        opt.finish_step();
    }
    p.value.data().to_vec()
}

fn assert_close(label: &str, got: &[f32], want: [f64; 3]) {
    for (g, w) in got.iter().zip(want) {
        assert!(
            (*g as f64 - w).abs() < 2e-5 * (1.0 + w.abs()),
            "{label}: {got:?} vs {want:?}"
        );
    }
}

#[test]
fn trajectories_match_keras_formulas() {
    let sgd = |m, n| {
        OptimizerConfig::from(Sgd {
            momentum: m,
            nesterov: n,
        })
        .learning_rate(0.1)
    };
    let adam = |b2, ams| {
        OptimizerConfig::from(Adam {
            beta_2: b2,
            amsgrad: ams,
            ..Adam::default()
        })
        .learning_rate(0.1)
    };
    let cases: Vec<(&str, OptimizerConfig, usize, [f64; 3])> = vec![
        (
            "sgd",
            sgd(0.0, false),
            5,
            [0.795_245, -0.336_14, 0.160_671_41],
        ),
        (
            "sgd_momentum",
            sgd(0.9, false),
            5,
            [0.48542, 1.55656, -0.374_266_09],
        ),
        (
            "sgd_nesterov",
            sgd(0.9, true),
            5,
            [0.447_709_16, 0.695_704_48, -0.526_086_54],
        ),
        (
            "adam",
            adam(0.999, false),
            5,
            [0.527_816_45, -1.502_955_96, 0.004_359_58],
        ),
        (
            "adam_b2_half",
            adam(0.5, false),
            10,
            [0.226_985_75, -0.911_634_81, -0.642_697_6],
        ),
        (
            "amsgrad_b2_half",
            adam(0.5, true),
            10,
            [0.352_259_63, -1.037_788_18, -0.433_772_56],
        ),
        (
            "adamw",
            OptimizerConfig::adamw(0.1).weight_decay(0.1),
            5,
            [0.493_965_48, -1.415_566_65, -0.010_041_35],
        ),
        (
            "rmsprop",
            OptimizerConfig::from(Rmsprop::default()).learning_rate(0.01),
            5,
            [0.897_615_48, -1.894_508_78, 0.394_837_39],
        ),
        (
            "rmsprop_centered_momentum",
            OptimizerConfig::from(Rmsprop {
                momentum: 0.5,
                centered: true,
                ..Rmsprop::default()
            })
            .learning_rate(0.01),
            5,
            [0.808_982_31, -1.799_191_38, 0.300_187],
        ),
        (
            "adagrad",
            OptimizerConfig::from(Adagrad::default()).learning_rate(0.1),
            5,
            [0.746_878_29, -1.687_000_86, 0.204_138_57],
        ),
        (
            "sgd_clipnorm",
            sgd(0.0, false).clipnorm(1.0),
            5,
            [0.955_756_67, -1.506_593_9, 0.432_407_3],
        ),
        (
            "sgd_clipvalue",
            sgd(0.0, false).clipvalue(0.5),
            5,
            [0.795_245, -1.75, 0.25],
        ),
        (
            "adam_global_clipnorm",
            adam(0.999, false).global_clipnorm(1.0),
            5,
            [0.521_860_19, -1.499_951_67, 0.000_925_46],
        ),
        (
            "sgd_exponential_decay",
            sgd(0.0, false).learning_rate(LearningRateSchedule::ExponentialDecay {
                initial_learning_rate: 0.1,
                decay_steps: 2,
                decay_rate: 0.5,
                staircase: false,
            }),
            5,
            [0.873_644_89, -0.775_260_37, 0.300_103_62],
        ),
    ];
    for (label, cfg, steps, want) in cases {
        assert_close(label, &trajectory(cfg, steps), want);
    }
}

/// A parameter large enough to be split across threads gives the same result as the
/// sequential update.
#[test]
fn parallel_split_matches_sequential() {
    let n = PARALLEL_GRAIN * 3 + 17;
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut opt = OptimizerConfig::from(Adam {
                amsgrad: true,
                ..Adam::default()
            })
            .build()
            .unwrap();
            let mut p = Param::trainable("w", Tensor::full(&[n], 0.5), None);
            for step in 0..3 {
                for (i, g) in p.grad.data_mut().iter_mut().enumerate() {
                    *g = ((i * 7 + step) % 13) as f32 - 6.0;
                }
                opt.update(0, &mut p, 1.0);
                opt.finish_step();
            }
            p.value.into_vec()
        })
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn invalid_configs_are_rejected() {
    let e = OptimizerConfig::adam(0.01)
        .clipnorm(1.0)
        .clipvalue(1.0)
        .validate()
        .unwrap_err();
    assert!(e.to_string().contains("at most one of clipnorm"), "{e}");
    let e = OptimizerConfig::sgd(-0.1).validate().unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid optimizer.learning_rate = -0.1: a finite rate ≥ 0"
    );
    let e = OptimizerConfig::from(Sgd {
        momentum: 1.5,
        nesterov: false,
    })
    .validate()
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid optimizer.momentum = 1.5: a value in [0, 1)"
    );
    let mut scheduled = OptimizerConfig::sgd(0.1)
        .learning_rate(LearningRateSchedule::ExponentialDecay {
            initial_learning_rate: 0.1,
            decay_steps: 1,
            decay_rate: 0.9,
            staircase: false,
        })
        .build()
        .unwrap();
    assert!(scheduled.set_learning_rate(0.01).is_err());
}

#[test]
fn serde_form() {
    let c: OptimizerConfig =
        serde_json::from_str(r#"{"algorithm":{"adam":{"amsgrad":true}},"learning_rate":0.01}"#)
            .unwrap();
    assert_eq!(
        c,
        OptimizerConfig::from(Adam {
            amsgrad: true,
            ..Adam::default()
        })
        .learning_rate(0.01)
    );
    let e = serde_json::from_str::<OptimizerConfig>(r#"{"algorithm":{"adam":{}},"lr":0.01}"#)
        .unwrap_err();
    assert!(e.to_string().contains("unknown field `lr`"), "{e}");
}
