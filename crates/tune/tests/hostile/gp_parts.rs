//! The GP sampler's public building blocks with hostile numbers and shapes: the kernel's
//! columns and `exp`, the log marginal posterior, the MAP fit, the posteriors and the log EI.
//! Any finite, infinite or NaN value, any parameter vector and mismatched lengths give a
//! value (possibly `+∞` or NaN where the input is NaN) or `None`, never a panic.

use gradus_tune::samplers::gp::acquisition::LogEi;
use gradus_tune::samplers::gp::kernel::{PointColumns, exp_nonpositive};
use gradus_tune::samplers::gp::marginal::{FitState, TrainingData, fit, neg_log_posterior};
use proptest::collection::vec;
use proptest::prelude::*;

use crate::strategies::any_f64;
use crate::{config, within};

proptest! {
    #![proptest_config(config())]

    #[test]
    fn gp_parts_are_total(
        d in 0usize..4,
        n in 0usize..8,
        values in vec(any_f64(), 1..48),
        raw in vec(any_f64(), 0..7),
        point in vec(any_f64(), 0..6),
        shape_off in 0usize..3,
        from in 0usize..12,
        fit_noise in any::<bool>(),
    ) {
        within(move || {
            let take = |len: usize, skip: usize| -> Vec<f64> {
                (0..len).map(|i| values[(i + skip) % values.len()]).collect()
            };
            // x usually n·d long, sometimes one or two short or long.
            let x_len = (n * d + shape_off).saturating_sub(if shape_off == 2 { 3 } else { 0 });
            let x = take(x_len, 0);
            let y = take(n, 7);
            let categorical: Vec<bool> = (0..d).map(|j| j % 2 == 1).collect();
            let data = TrainingData { x: &x, y: &y, categorical: &categorical };
            let mut grad = vec![0.0; raw.len()];
            let loss = neg_log_posterior(&raw, &data, fit_noise, &mut grad);
            prop_assert!(!loss.is_nan() || raw.iter().chain(&x).chain(&y).any(|v| v.is_nan()));

            let cols = PointColumns::new(&x, d);
            let mut r = vec![0.0; n + 1];
            cols.sq_dists_from(from, &point, &take(d, 3), &categorical, &mut r);
            for v in &values {
                let e = exp_nonpositive(-v.abs());
                prop_assert!(e.is_nan() || (0.0..=1.0).contains(&e));
            }

            if let Some(gp) = fit(&data, fit_noise, &mut FitState::default()) {
                let mut scratch = Vec::new();
                let (m, v) = gp.posterior(&point, &mut scratch);
                prop_assert!(v.is_nan() || v >= 0.0, "{m} {v}");
                let (mut dm, mut dv) = (vec![0.0; d], vec![0.0; d.saturating_sub(1)]);
                gp.posterior_grad(&point, &mut scratch, &mut dm, &mut dv);
                let xs = take(3 * d + 1, 5);
                let (mut mean, mut var) = (vec![0.0; 3], vec![0.0; 3]);
                gp.posterior_batch(&xs, &mut mean, &mut var);
                let acqf = LogEi { gp: &gp, threshold: values[0] };
                let (mut out, mut tmp) = (vec![0.0; 3], vec![0.0; d]);
                acqf.values(&xs, &mut mean, &mut var, &mut out);
                acqf.value_grad(&take(d, 2), &mut scratch, &mut dm, &mut tmp);
                let _ = gp.with_pending(&xs);
            }
            Ok(())
        })?;
    }
}
