//! Hostile sizes and values for the public entry points of gradus-tensor: every call
//! returns `Ok` or `Err` (or documents its panic and is not reached), never aborts, hangs
//! or reads outside a buffer. Sizes straddle the limits: products that overflow `usize`,
//! shapes just above `Tensor::MAX_ALLOC` and `Shape::MAX_LEN`.

use gradus_tensor::{Activation, Error, Rng, Shape, Tensor, ops};
use proptest::prelude::*;

/// A dimension from every size class: zero, small, near the limits, huge.
fn dim() -> impl Strategy<Value = usize> {
    prop_oneof![
        Just(0usize),
        1usize..8,
        Just(1 << 16),
        Just(1 << 31),
        Just(1 << 32),
        Just((1 << 32) + 1),
        Just(Shape::MAX_LEN),
        Just(Shape::MAX_LEN + 1),
        Just(usize::MAX),
        any::<usize>(),
    ]
}

fn value() -> impl Strategy<Value = f32> {
    prop_oneof![
        Just(f32::NAN),
        Just(f32::INFINITY),
        Just(f32::NEG_INFINITY),
        Just(f32::MAX),
        Just(f32::MIN),
        Just(f32::MIN_POSITIVE),
        Just(-0.0f32),
        -1e3f32..1e3,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        rng_seed: proptest::test_runner::RngSeed::Fixed(6),
        ..ProptestConfig::default()
    })]

    /// A shape is accepted exactly when its span (zeros as ones) fits `Shape::MAX_LEN`, and
    /// then its length and row length are the exact products.
    #[test]
    fn shape_new_is_checked(dims in prop::collection::vec(dim(), 0..6)) {
        let span = dims.iter().try_fold(1u128, |a, &d| a.checked_mul(d.max(1) as u128));
        let fits = !dims.is_empty() && dims.len() <= 4
            && span.is_some_and(|s| s <= Shape::MAX_LEN as u128);
        match Shape::new(&dims) {
            Ok(s) => {
                prop_assert!(fits);
                let exact: u128 = dims.iter().map(|&d| d as u128).product();
                prop_assert_eq!(s.len() as u128, exact);
                prop_assert_eq!(s.row_len() as u128, dims[1..].iter().map(|&d| d as u128).product::<u128>());
            }
            Err(Error::Rank { .. }) => prop_assert!(dims.is_empty() || dims.len() > 4),
            Err(Error::TooLarge { .. }) => prop_assert!(!fits),
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    /// `try_zeros` allocates only within `Tensor::MAX_ALLOC`; above, an error. (Only small
    /// accepted sizes are allocated here; `check_alloc` decides the same way without
    /// allocating.)
    #[test]
    fn try_zeros_is_bounded(dims in prop::collection::vec(dim(), 0..5)) {
        let span = dims.iter().try_fold(1u128, |a, &d| a.checked_mul(d.max(1) as u128));
        let len: Option<u128> = dims.iter().try_fold(1u128, |a, &d| a.checked_mul(d as u128));
        let ok = !dims.is_empty() && dims.len() <= 4
            && span.is_some_and(|s| s <= Shape::MAX_LEN as u128)
            && len.is_some_and(|n| n <= Tensor::MAX_ALLOC as u128);
        prop_assert_eq!(Tensor::check_alloc(&dims).is_ok(), ok);
        if !ok || len.is_some_and(|n| n <= 1 << 20) {
            match Tensor::try_zeros(&dims) {
                Ok(t) => {
                    prop_assert!(ok);
                    prop_assert_eq!(t.dims(), &dims[..]);
                    prop_assert!(t.data().iter().all(|&v| v == 0.0));
                }
                Err(e) => prop_assert!(!ok, "{e}"),
            }
        }
    }

    /// `from_vec` and `reshape` accept a buffer only for a shape of exactly its length.
    #[test]
    fn from_vec_and_reshape(len in 0usize..64, dims in prop::collection::vec(dim(), 0..5),
                            other in prop::collection::vec(dim(), 0..5)) {
        match Tensor::from_vec(vec![1.0; len], &dims) {
            Ok(mut t) => {
                prop_assert_eq!(t.len(), len);
                let before = t.dims().to_vec();
                if t.reshape(&other).is_err() {
                    prop_assert_eq!(t.dims(), &before[..]);
                } else {
                    prop_assert_eq!(t.len(), len);
                }
            }
            Err(_) => {
                let exact = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
                prop_assert!(dims.is_empty() || dims.len() > 4 || exact != Some(len)
                    || Shape::new(&dims).is_err());
            }
        }
    }

    /// Products of random small shapes match the naive sum; non-finite inputs propagate.
    #[test]
    fn products_of_random_shapes(m in 1usize..9, k in 1usize..9, n in 1usize..9,
                                 vals in prop::collection::vec(value(), 128)) {
        let a = Tensor::from_vec(vals[..m * k].to_vec(), &[m, k]).unwrap();
        let b = Tensor::from_vec(vals[64..64 + k * n].to_vec(), &[k, n]).unwrap();
        let mut c = Tensor::zeros(&[1]);
        ops::matmul(&a, &b, &mut c);
        prop_assert_eq!(c.dims(), &[m, n]);
        for i in 0..m {
            for j in 0..n {
                let terms: Vec<f64> = (0..k)
                    .map(|p| a.data()[i * k + p] as f64 * b.data()[p * n + j] as f64)
                    .collect();
                let got = c.data()[i * n + j];
                // Non-finite operands or terms beyond f32 give a non-finite or rounded
                // result, never a panic; compare the rest.
                if terms.iter().any(|t| !t.is_finite() || t.abs() > 1e30) {
                    continue;
                }
                let want: f64 = terms.iter().sum();
                {
                    prop_assert!((got as f64 - want).abs() <= 1e-3 * (1.0 + want.abs()),
                        "{got} vs {want}");
                }
            }
        }
    }

    /// Every activation maps NaN to NaN (as PyTorch and TensorFlow do) and never panics on
    /// extreme values; softmax rows stay in [0, 1] when finite.
    #[test]
    fn activations_propagate_nan(vals in prop::collection::vec(value(), 1..32)) {
        for act in Activation::ALL {
            let cols = vals.len();
            let mut y = vec![0.0f32; cols];
            act.forward(&vals, &mut y, cols);
            let has_nan = vals.iter().any(|v| v.is_nan());
            for (i, (&x, &out)) in vals.iter().zip(&y).enumerate() {
                if act != Activation::Softmax && x.is_nan() {
                    prop_assert!(out.is_nan(), "{act}({x}) = {out} at {i}");
                }
                if act == Activation::Softmax && has_nan {
                    prop_assert!(out.is_nan(), "softmax row with a NaN gave {out}");
                }
            }
            let mut g = vec![1.0f32; cols];
            act.backward(&vals, &y, &mut g, cols);
        }
    }

    /// Random draws with any seed and stream stay in their documented ranges.
    #[test]
    fn rng_draws_stay_in_range(seed in any::<u64>(), stream in any::<u64>(), n in 1usize..1000) {
        let mut rng = Rng::with_stream(seed, stream);
        prop_assert!(rng.below(n) < n);
        let u = rng.uniform();
        prop_assert!((0.0..1.0).contains(&u));
        let t = rng.truncated_normal(0.0, 1.0);
        prop_assert!(t.abs() <= 2.0);
        let p = rng.permutation(n.min(64));
        let mut sorted = p.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..n.min(64)).collect::<Vec<_>>());
    }
}

/// The exact examples of the hardening issue.
#[test]
fn overflowing_shapes_are_rejected() {
    let e = Tensor::from_vec(vec![], &[1 << 32, 1 << 32]).unwrap_err();
    assert!(matches!(e, Error::TooLarge { .. }), "{e}");
    let e = Tensor::try_zeros(&[1 << 62, 4]).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("a tensor of shape [4611686018427387904, 4]"),
        "{e}"
    );
    let e = Tensor::try_zeros(&[1_000_000, 1_000_000]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "a tensor of shape [1000000, 1000000] would hold 1000000000000 values, more than the \
         limit of 4294967296; use smaller dimensions (fewer units, inputs or rows per batch)"
    );
}

#[test]
fn relu_keeps_nan() {
    let mut y = [0.0f32; 3];
    Activation::Relu.forward(&[f32::NAN, -1.0, 2.0], &mut y, 3);
    assert!(y[0].is_nan());
    assert_eq!(&y[1..], &[0.0, 2.0]);
}
