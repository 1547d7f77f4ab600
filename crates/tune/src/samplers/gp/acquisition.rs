//! Log expected improvement (Optuna 5's `optuna._gp.acqf.logei`, after Ament et al. 2023,
//! "Unexpected Improvements to Expected Improvement", eq. 9).
//!
//! For `y ~ N(μ, σ²)` and the best value so far `f₀` (values are maximised):
//!
//! ```text
//! log EI = ln σ + h(z),   z = (μ − f₀)/σ,   σ² = var + 10⁻¹²  (Optuna's stabilising noise)
//! h(z)   = ln E[max(0, x + z)] = ln(z·Φ(z) + φ(z))              (z ≥ −25)
//!        = −z²/2 − ln √(2π) + ln(1 + z·Φ(z)/φ(z))               (z < −25)
//! ```
//! Far in the tail `1 + z·Φ(z)/φ(z)` cancels catastrophically; it is evaluated from the
//! asymptotic series `1 + z·R(z) = u − 3u² + 15u³ − 105u⁴ + 945u⁵ − …`, `u = 1/z²`
//! (`R = Φ/φ`, Mills' ratio), exact to rounding for `z < −25`. Optuna evaluates the same
//! quantity with `erfcx`, which agrees to about 1e-10 there. `h'(z) = Φ(z)/(zΦ(z) + φ(z))`.

use super::gp_model::GpModel;

/// Optuna's `acqf_stabilizing_noise`, added to the posterior variance.
pub const STABILIZING_NOISE: f64 = 1e-12;

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
const TAIL: f64 = -25.0;

/// `Φ(z)`, the standard normal CDF.
fn norm_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z * std::f64::consts::FRAC_1_SQRT_2)
}

/// `φ(z)`, the standard normal density.
fn norm_pdf(z: f64) -> f64 {
    (-0.5 * z * z - LN_SQRT_2PI).exp()
}

/// `(1 + z·R(z), R(z)·|z|)` for `z < −25` from the asymptotic series (`u = 1/z²`).
fn tail_series(z: f64) -> (f64, f64) {
    let u = 1.0 / (z * z);
    // R(z)·|z| = 1 − u + 3u² − 15u³ + 105u⁴ − 945u⁵ + 10395u⁶
    let r = 1.0 - u * (1.0 - u * (3.0 - u * (15.0 - u * (105.0 - u * (945.0 - u * 10395.0)))));
    // 1 + z·R(z) = 1 − R|z| = u − 3u² + 15u³ − 105u⁴ + 945u⁵ − 10395u⁶
    let one_plus = u * (1.0 - u * (3.0 - u * (15.0 - u * (105.0 - u * (945.0 - u * 10395.0)))));
    (one_plus, r)
}

/// `h(z) = ln E_{x~N(0,1)}[max(0, x + z)]` and `h'(z)` (see the [module docs](self)).
/// `z = +∞` gives `(+∞, 0)`; NaN gives NaN.
pub fn standard_log_ei(z: f64) -> (f64, f64) {
    if z >= TAIL {
        let (cdf, pdf) = (norm_cdf(z), norm_pdf(z));
        let h = z * cdf + pdf;
        if z > 1e150 {
            return (z.ln(), 1.0 / z);
        }
        (h.ln(), cdf / h)
    } else if z.is_finite() {
        let (one_plus, r_abs) = tail_series(z);
        let h = -0.5 * z * z - LN_SQRT_2PI + one_plus.ln();
        // h' = Φ/(zΦ + φ) = R/(1 + zR) = (r_abs/|z|)/one_plus.
        (h, r_abs / (-z) / one_plus)
    } else {
        (
            f64::NEG_INFINITY,
            if z.is_nan() { f64::NAN } else { f64::INFINITY },
        )
    }
}

/// `log EI` of a posterior `(mean, var)` against the threshold `f0`, with its partial
/// derivatives `(∂/∂mean, ∂/∂var)`.
pub fn log_ei(mean: f64, var: f64, f0: f64) -> (f64, f64, f64) {
    let v = var + STABILIZING_NOISE;
    let sigma = v.sqrt();
    let z = (mean - f0) / sigma;
    let (h, dh) = standard_log_ei(z);
    // ∂z/∂mean = 1/σ, ∂z/∂var = −z/(2v), ∂ln σ/∂var = 1/(2v)
    (0.5 * v.ln() + h, dh / sigma, (1.0 - z * dh) / (2.0 * v))
}

/// The acquisition function of one suggestion: log EI of a fitted GP against the best
/// standardised value.
#[derive(Debug)]
pub struct LogEi<'a> {
    /// The GP (conditioned on pending points, if any).
    pub gp: &'a GpModel,
    /// The best standardised value `f₀`.
    pub threshold: f64,
}

impl LogEi<'_> {
    /// `log EI(x)`; `scratch` is reused.
    pub fn value(&self, x: &[f64], scratch: &mut Vec<f64>) -> f64 {
        let (m, v) = self.gp.posterior(x, scratch);
        log_ei(m, v, self.threshold).0
    }

    /// `log EI` at every row of `xs` (row-major `m × d`) into `out` (length `m`); `mean` and
    /// `var` are buffers of length `m`.
    pub fn values(&self, xs: &[f64], mean: &mut [f64], var: &mut [f64], out: &mut [f64]) {
        self.gp.posterior_batch(xs, mean, var);
        for ((o, &m), &v) in out.iter_mut().zip(mean.iter()).zip(var.iter()) {
            *o = log_ei(m, v, self.threshold).0;
        }
    }

    /// `log EI(x)` and its gradient (`grad`, length `d`; 0 at categorical coordinates).
    /// `tmp` has length `d` too.
    pub fn value_grad(
        &self,
        x: &[f64],
        scratch: &mut Vec<f64>,
        grad: &mut [f64],
        tmp: &mut [f64],
    ) -> f64 {
        let (m, v) = self.gp.posterior_grad(x, scratch, grad, tmp);
        let (val, dm, dv) = log_ei(m, v, self.threshold);
        for (g, t) in grad.iter_mut().zip(tmp.iter()) {
            *g = dm * *g + dv * *t;
        }
        val
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_formula_where_it_is_stable() {
        for z in [-5.0, -1.0, 0.0, 0.5, 3.0] {
            let direct = (z * norm_cdf(z) + norm_pdf(z)).ln();
            assert!((standard_log_ei(z).0 - direct).abs() < 1e-13, "z={z}");
        }
        // h(0) = ln φ(0) = −ln √(2π).
        assert!((standard_log_ei(0.0).0 + LN_SQRT_2PI).abs() < 1e-15);
    }

    #[test]
    fn continuous_across_the_tail_switch_and_asymptotic_far_out() {
        // At z = −25 the direct formula (the branch taken) and the series agree; the exact
        // value is −319.861463581496 (mpmath, 50 digits).
        let (a, da) = standard_log_ei(-25.0);
        let (one_plus, r_abs) = tail_series(-25.0);
        let b = -312.5 - LN_SQRT_2PI + one_plus.ln();
        let db = r_abs / 25.0 / one_plus;
        assert!((a - b).abs() < 1e-7, "{a} vs {b}");
        assert!((b + 319.861463581496).abs() < 1e-11, "{b}");
        assert!((da - db).abs() < 1e-7 * db, "{da} vs {db}");
        // Exact (mpmath) at z = −40: −808.298568356620.
        assert!((standard_log_ei(-40.0).0 + 808.298568356620).abs() < 1e-10);
        // Leading asymptotics: h(z) ≈ −z²/2 − ln √(2π) − 2 ln|z| for z → −∞.
        for z in [-40.0, -1e3, -1e6] {
            let approx = -0.5 * z * z - LN_SQRT_2PI - 2.0 * (-z).ln();
            let (h, dh) = standard_log_ei(z);
            assert!((h - approx).abs() < 4.0 / (z * z), "z={z}: {h} vs {approx}");
            // h'(z) ≈ −z − 2/z
            assert!((dh - (-z - 2.0 / z)).abs() < 1e-3 * dh.abs(), "z={z}");
        }
        assert!(
            standard_log_ei(-1e200).0.is_finite() || standard_log_ei(-1e200).0 == f64::NEG_INFINITY
        );
    }

    #[test]
    fn derivatives_match_finite_differences() {
        for z in [-30.0, -24.0, -3.0, 0.0, 2.0] {
            let h = 1e-6;
            let fd = (standard_log_ei(z + h).0 - standard_log_ei(z - h).0) / (2.0 * h);
            let d = standard_log_ei(z).1;
            assert!(
                (fd - d).abs() < 1e-5 * (1.0 + d.abs()),
                "z={z}: {fd} vs {d}"
            );
        }
        let (m, v, f0) = (0.3, 0.2, 0.7);
        let (_, dm, dv) = log_ei(m, v, f0);
        let h = 1e-7;
        let fdm = (log_ei(m + h, v, f0).0 - log_ei(m - h, v, f0).0) / (2.0 * h);
        let fdv = (log_ei(m, v + h, f0).0 - log_ei(m, v - h, f0).0) / (2.0 * h);
        assert!((fdm - dm).abs() < 1e-6 && (fdv - dv).abs() < 1e-6);
    }
}
