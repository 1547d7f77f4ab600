//! Golden values and finite-difference checks for every loss and input mode.

use gradus_tensor::{Activation, Rng, Tensor};

use super::*;

fn t(v: &[f32], dims: &[usize]) -> Tensor {
    Tensor::from_vec(v.to_vec(), dims).unwrap()
}

fn value(cfg: LossConfig, head: Activation, p: &Tensor, y: &Tensor) -> f64 {
    cfg.build(head).loss.compute(p, y, None)
}

// import numpy as np
// z=np.array([-18.6,0.51,2.94,-12.8]); y=np.array([0,1,0,0.])
// np.mean(np.maximum(z,0)-z*y+np.log1p(np.exp(-np.abs(z))))            -> 0.8654579497810972
// ys=y*0.8+0.1; same with ys                                           -> 1.5897079497810975
// y=[[0,1,0],[0,0,1]]; p=[[0.05,0.95,0],[0.1,0.8,0.1]]; ys=y*0.9+0.1/3
// q=np.clip(p/p.sum(1,keepdims=True),1e-7,1-1e-7); np.mean(-(ys*np.log(q)).sum(1)) -> 1.4591358569250876
// z=[[1,2,3],[0.5,-1,2]]; np.mean(-(y*(z-logsumexp(z,1))).sum(1))       -> 0.8244586305507686
// e=[0.3,-2.0]; huber delta 0.5: np.mean(where(|e|<=.5, .5e², .5(|e|-.25))) -> 0.46
#[test]
fn golden_values() {
    let bce_logits = |s| {
        LossConfig::binary_crossentropy()
            .from_logits(true)
            .label_smoothing(s)
    };
    let z = t(&[-18.6, 0.51, 2.94, -12.8], &[1, 4]);
    let y = t(&[0.0, 1.0, 0.0, 0.0], &[1, 4]);
    let lin = Activation::Linear;
    assert!((value(bce_logits(0.0), lin, &z, &y) - 0.865_457_95).abs() < 1e-6);
    assert!((value(bce_logits(0.2), lin, &z, &y) - 1.589_707_95).abs() < 1e-6);

    let y = t(&[0.0, 1.0, 0.0, 0.0, 0.0, 1.0], &[2, 3]);
    let p = t(&[0.05, 0.95, 0.0, 0.1, 0.8, 0.1], &[2, 3]);
    let cce = LossConfig::categorical_crossentropy().label_smoothing(0.1);
    assert!((value(cce, lin, &p, &y) - 1.459_135_86).abs() < 1e-5);
    let z = t(&[1.0, 2.0, 3.0, 0.5, -1.0, 2.0], &[2, 3]);
    let cce_logits = LossConfig::categorical_crossentropy().from_logits(true);
    assert!((value(cce_logits, lin, &z, &y) - 0.824_458_63).abs() < 1e-6);
    let scce_logits = LossConfig::sparse_categorical_crossentropy().from_logits(true);
    let c = Tensor::column(&[1.0, 2.0]);
    assert!((value(scce_logits, lin, &z, &c) - 0.824_458_63).abs() < 1e-6);

    let e = Tensor::column(&[0.3, -2.0]);
    let zero = Tensor::column(&[0.0, 0.0]);
    assert!((value(LossConfig::huber(0.5), lin, &e, &zero) - 0.46).abs() < 1e-7);
}

/// Central differences (f64 accumulation) of `f(pred)` against `grad`.
fn check_gradient(label: &str, pred: &Tensor, grad: &Tensor, f: impl Fn(&Tensor) -> f64) {
    let h = 1e-3f32;
    for i in 0..pred.len() {
        let mut a = pred.clone();
        a.data_mut()[i] += h;
        let mut b = pred.clone();
        b.data_mut()[i] -= h;
        let num = (f(&a) - f(&b)) / (2.0 * h as f64);
        let ana = grad.data()[i] as f64;
        let err = (num - ana).abs() / (1e-2 + num.abs().max(ana.abs()));
        assert!(err < 1e-3, "{label} [{i}]: numeric {num} vs analytic {ana}");
    }
}

fn softmax_rows(z: &Tensor) -> Tensor {
    let mut p = z.clone();
    Activation::Softmax.forward(z.data(), p.data_mut(), z.row_len());
    p
}

fn sigmoid(z: &Tensor) -> Tensor {
    let mut p = z.clone();
    Activation::Sigmoid.forward(z.data(), p.data_mut(), z.row_len());
    p
}

#[test]
fn gradients_match_finite_differences() {
    let mut rng = Rng::new(4);
    let (n, k) = (3, 4);
    let rand = |rng: &mut Rng, lo: f64, hi: f64| -> Tensor {
        let v: Vec<f32> = (0..n * k)
            .map(|_| rng.uniform_range(lo, hi) as f32)
            .collect();
        t(&v, &[n, k])
    };
    let z = rand(&mut rng, -2.0, 2.0);
    let reg_y = rand(&mut rng, -1.0, 1.0);
    let bin_y = rand(&mut rng, 0.0, 1.0);
    let mut onehot = Tensor::zeros(&[n, k]);
    let classes = [2.0f32, 0.0, 3.0];
    for (r, &c) in classes.iter().enumerate() {
        onehot.row_mut(r)[c as usize] = 1.0;
    }
    let ids = Tensor::column(&classes);
    let lin = Activation::Linear;
    let mut g = Tensor::zeros(&[1]);

    // Regression losses on raw predictions (offset so that no |e| sits on Huber's kink).
    for cfg in [LossConfig::mse(), LossConfig::mae(), LossConfig::huber(0.7)] {
        let loss = cfg.build(lin).loss;
        loss.compute(&z, &reg_y, Some(&mut g));
        check_gradient(cfg.name(), &z, &g, |p| loss.compute(p, &reg_y, None));
    }

    for s in [0.0, 0.1] {
        // Probabilities and logits, unfused.
        let probs = sigmoid(&z);
        for (from_logits, input) in [(false, &probs), (true, &z)] {
            let cfg = LossConfig::binary_crossentropy()
                .from_logits(from_logits)
                .label_smoothing(s);
            let loss = cfg.build(lin).loss;
            loss.compute(input, &bin_y, Some(&mut g));
            check_gradient("bce", input, &g, |p| loss.compute(p, &bin_y, None));
        }
        let sm = softmax_rows(&z);
        for (from_logits, input) in [(false, &sm), (true, &z)] {
            let cfg = LossConfig::categorical_crossentropy()
                .from_logits(from_logits)
                .label_smoothing(s);
            let loss = cfg.build(lin).loss;
            loss.compute(input, &onehot, Some(&mut g));
            check_gradient("cce", input, &g, |p| loss.compute(p, &onehot, None));
        }
        // Fused: the gradient is with respect to the logits of the final activation.
        let cfg = LossConfig::binary_crossentropy().label_smoothing(s);
        let built = cfg.build(Activation::Sigmoid);
        assert!(built.fused);
        built.loss.compute(&probs, &bin_y, Some(&mut g));
        check_gradient("fused bce", &z, &g, |zz| {
            built.loss.compute(&sigmoid(zz), &bin_y, None)
        });
        let cfg = LossConfig::categorical_crossentropy().label_smoothing(s);
        let built = cfg.build(Activation::Softmax);
        assert!(built.fused);
        built.loss.compute(&sm, &onehot, Some(&mut g));
        check_gradient("fused cce", &z, &g, |zz| {
            built.loss.compute(&softmax_rows(zz), &onehot, None)
        });
    }

    let sm = softmax_rows(&z);
    for (from_logits, input) in [(false, &sm), (true, &z)] {
        let cfg = LossConfig::sparse_categorical_crossentropy().from_logits(from_logits);
        let loss = cfg.build(lin).loss;
        loss.compute(input, &ids, Some(&mut g));
        check_gradient("scce", input, &g, |p| loss.compute(p, &ids, None));
    }
    let built = LossConfig::sparse_categorical_crossentropy().build(Activation::Softmax);
    built.loss.compute(&sm, &ids, Some(&mut g));
    check_gradient("fused scce", &z, &g, |zz| {
        built.loss.compute(&softmax_rows(zz), &ids, None)
    });
}

/// Clipping: a confidently wrong probability gives the clipped value −ln(1e−7) and, unfused,
/// a zero gradient; fused, the gradient is still p − y.
#[test]
fn clipping_and_fusion() {
    let y = t(&[1.0, 0.0], &[1, 2]);
    let p = t(&[0.0, 1.0], &[1, 2]);
    let mut g = Tensor::zeros(&[1]);
    let unfused = LossConfig::categorical_crossentropy().build(Activation::Linear);
    let v = unfused.loss.compute(&p, &y, Some(&mut g));
    assert!((v - 16.118_095).abs() < 1e-3, "{v}");
    assert_eq!(g.data(), &[0.0, 0.0]);
    let fused = LossConfig::categorical_crossentropy().build(Activation::Softmax);
    fused.loss.compute(&p, &y, Some(&mut g));
    assert_eq!(g.data(), &[-1.0, 1.0]);
}

#[test]
fn target_checks_name_the_problem() {
    let scce = LossConfig::sparse_categorical_crossentropy();
    let e = scce
        .check_target(3, &Tensor::column(&[0.0, 2.0, 3.0]), "y")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "y row 2: class id 3 is not an integer in 0..3 (the model has 3 outputs)"
    );
    let e = LossConfig::categorical_crossentropy()
        .check_target(3, &Tensor::column(&[0.0]), "y")
        .unwrap_err();
    assert!(e.to_string().contains("one-hot encode the targets"), "{e}");
    let e = LossConfig::mse()
        .check_target(1, &Tensor::zeros(&[4, 2]), "validation y")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "shape mismatch in validation y for mean_squared_error: expected [n, 1] (the model's output), got [4, 2]; the last layer needs as many units as there are target columns"
    );
    assert!(LossConfig::huber(0.0).validate().is_err());
}

#[test]
fn serde_names() {
    let c: LossConfig = serde_json::from_str("\"mse\"").unwrap();
    assert_eq!(c, LossConfig::mse());
    let c: LossConfig =
        serde_json::from_str(r#"{"categorical_crossentropy":{"from_logits":true}}"#).unwrap();
    assert_eq!(c, LossConfig::categorical_crossentropy().from_logits(true));
}
