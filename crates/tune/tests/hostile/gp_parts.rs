//! The GP sampler's public building blocks with hostile numbers and shapes: the kernel's
//! columns, covariance columns and `exp`, the log marginal posterior, the MAP fit, the
//! posteriors and the log EI, the coordinates of any distribution, and L-BFGS with kept pairs.
//! Any finite, infinite or NaN value, any parameter vector and mismatched lengths give a
//! value (possibly `+∞` or NaN where the input is NaN) or `None`, never a panic.

use gradus_tune::samplers::gp::acquisition::LogEi;
use gradus_tune::samplers::gp::kernel::{
    KernelParams, PointColumns, covariance_column, exp_nonpositive,
};
use gradus_tune::samplers::gp::lbfgs::{LbfgsOptions, LbfgsWorkspace, minimize};
use gradus_tune::samplers::gp::marginal::{FitState, TrainingData, fit, neg_log_posterior};
use gradus_tune::samplers::gp::search_space::Coord;
use proptest::collection::vec;
use proptest::prelude::*;

use crate::strategies::{any_f64, any_spec};
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

    #[test]
    fn covariance_columns_coordinates_and_lbfgs_are_total(
        values in vec(any_f64(), 1..24),
        d in 0usize..4,
        k in 0usize..9,
        out_len in 0usize..9,
        spec in any_spec(),
        u in any_f64(),
        dims in (1usize..4, 1usize..4),
    ) {
        within(move || {
            let take = |len: usize| -> Vec<f64> {
                (0..len).map(|i| values[i % values.len()]).collect()
            };
            let x = take(5 * d);
            let cols = PointColumns::new(&x, d);
            let params = KernelParams {
                inv_sq_lengthscales: take(d),
                scale: values[0],
                noise: values[values.len() - 1],
            };
            let mut out = vec![0.0; out_len];
            covariance_column(&cols, &take(d), k, &params, &[false, true, false], &mut out);

            if let Ok(dist) = spec.distribution("p") {
                let c = Coord::new(&dist);
                let mut grid = Vec::new();
                c.grid(&mut grid);
                if let Some(v) = c.unnormalize(&dist, c.from_unit(u, &grid)) {
                    prop_assert!(dist.contains_value(&v), "{v} not in {dist}");
                }
            }

            // A workspace kept across problems of other sizes and bounds.
            let mut ws = LbfgsWorkspace::default();
            let opts = LbfgsOptions { reuse_memory: true, max_iter: 20, ..LbfgsOptions::default() };
            for n in [dims.0, dims.1] {
                let mut x0 = take(n);
                let (lo, hi) = (vec![-1.0; n], take(n));
                minimize(
                    |x, g| {
                        let mut v = 0.0;
                        for (i, (g, x)) in g.iter_mut().zip(x).enumerate() {
                            *g = 2.0 * (x - values[i % values.len()]);
                            v += (x - values[i % values.len()]).powi(2);
                        }
                        v
                    },
                    &mut x0,
                    &lo,
                    &hi,
                    &opts,
                    &mut ws,
                );
            }
            Ok(())
        })?;
    }
}
