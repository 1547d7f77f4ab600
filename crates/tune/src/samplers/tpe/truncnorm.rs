//! The truncated standard normal: log-probability mass, log-pdf and inverse CDF.
//!
//! A scalar port of Optuna 5's `samplers/_tpe/_truncnorm.py` (itself from SciPy): masses are
//! computed in the left tail where `log Φ` is accurate, the inverse CDF by Newton's method on
//! `log Φ(x) = y`. `a`, `b` are the standardized bounds `(low − μ)/σ`, `(high − μ)/σ`.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// ln √(2π).
pub(crate) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Standard normal CDF Φ(a), accurate in both tails.
pub(crate) fn ndtr(a: f64) -> f64 {
    let x = a * FRAC_1_SQRT_2;
    if x < -FRAC_1_SQRT_2 {
        0.5 * libm::erfc(-x)
    } else if x < FRAC_1_SQRT_2 {
        0.5 + 0.5 * libm::erf(x)
    } else {
        1.0 - 0.5 * libm::erfc(x)
    }
}

/// ln Φ(a), with the asymptotic series below −20.
pub(crate) fn log_ndtr(a: f64) -> f64 {
    if a > 6.0 {
        return -ndtr(-a);
    }
    if a > -20.0 {
        return ndtr(a).ln();
    }
    let log_lhs = -0.5 * a * a - (-a).ln() - 0.5 * (2.0 * PI).ln();
    let mut last_total: f64 = 0.0;
    let mut rhs = 1.0;
    let mut numerator = 1.0;
    let mut denom_factor = 1.0;
    let denom_cons = 1.0 / (a * a);
    let mut sign = 1.0;
    let mut i = 0.0;
    while (last_total - rhs).abs() > f64::EPSILON {
        i += 1.0;
        last_total = rhs;
        sign = -sign;
        denom_factor *= denom_cons;
        numerator *= 2.0 * i - 1.0;
        rhs += sign * numerator * denom_factor;
    }
    log_lhs + rhs.ln()
}

/// ln(e^p − e^q) for p ≥ q.
fn log_diff(log_p: f64, log_q: f64) -> f64 {
    log_p + (-(log_q - log_p).exp()).ln_1p()
}

/// ln(e^p + e^q).
pub(crate) fn log_add_exp(p: f64, q: f64) -> f64 {
    if p == f64::NEG_INFINITY {
        return q;
    }
    if q == f64::NEG_INFINITY {
        return p;
    }
    let m = p.max(q);
    m + (-(p - q).abs()).exp().ln_1p()
}

/// ln(Φ(b) − Φ(a)): the log of the standard normal mass of `[a, b]`.
pub(crate) fn log_gauss_mass(a: f64, b: f64) -> f64 {
    if b <= 0.0 {
        log_diff(log_ndtr(b), log_ndtr(a))
    } else if a > 0.0 {
        log_diff(log_ndtr(-a), log_ndtr(-b))
    } else if a < -9.0 && b > 9.0 {
        0.0
    } else {
        // Central case: 1 − Φ(a) − Φ(−b) without cancellation. Beyond 9 standard deviations
        // Φ < 1.2e-19, below the rounding of ln(1 − ε) ≈ −ε near 0 that follows (the result
        // moves by less than 1e-18), so those tails need no erfc call.
        let left = if a < -9.0 { 0.0 } else { ndtr(a) };
        let right = if b > 9.0 { 0.0 } else { ndtr(-b) };
        (-left - right).ln_1p()
    }
}

/// The `x` with ln Φ(x) = y (y ≤ 0), by Newton's method from Optuna's starting points.
fn ndtri_exp(y: f64) -> f64 {
    let flipped = y > -1e-2;
    let z = if flipped { (-y.exp_m1()).ln() } else { y };
    let mut x = if z < -5.0 {
        -(-2.0 * (z + LN_SQRT_2PI)).sqrt()
    } else {
        -(3f64.sqrt() / PI) * (-z).exp_m1().ln()
    };
    for _ in 0..100 {
        let log_ndtr_x = log_ndtr(x);
        let log_norm_pdf_x = -0.5 * x * x - LN_SQRT_2PI;
        let dx = (log_ndtr_x - z) * (log_ndtr_x - log_norm_pdf_x).exp();
        x -= dx;
        if dx.abs() < 1e-8 * x.abs() {
            break;
        }
    }
    if flipped { -x } else { x }
}

/// The quantile `q ∈ [0, 1]` of the standard normal truncated to `[a, b]`, clamped to `[a, b]`.
///
/// When the interval holds a mass above 1e-10 the quantile is `Φ⁻¹(Φ(a) + q·mass)` (or its
/// mirror image above the median, to avoid cancellation near 1), with Wichura's AS 241
/// inverse (relative error ~1e-16); deeper in the tails it is Optuna's log-space Newton
/// solve. Both are the exact truncated-normal quantile up to rounding.
pub(crate) fn ppf(q: f64, a: f64, b: f64) -> f64 {
    if a == b || q <= 0.0 {
        return a;
    }
    if q >= 1.0 {
        return b;
    }
    // Φ(a) and Φ(−b); beyond 9 standard deviations they are below 1.2e-19 and taken as 0 (this
    // moves the quantile only for q below ~1e-17, never in practice).
    let phi_a = if a < -9.0 { 0.0 } else { ndtr(a) };
    let phi_neg_b = if b > 9.0 { 0.0 } else { ndtr(-b) };
    let mass = if b <= 0.0 {
        ndtr(b) - phi_a
    } else if a > 0.0 {
        ndtr(-a) - phi_neg_b
    } else {
        1.0 - phi_a - phi_neg_b
    };
    let x = if mass > 1e-10 {
        let p_low = phi_a + q * mass;
        if p_low < 0.5 {
            ndtri(p_low)
        } else {
            -ndtri(phi_neg_b + (1.0 - q) * mass)
        }
    } else {
        ppf_log_space(q, a, b)
    };
    x.max(a).min(b)
}

/// Optuna's `_truncnorm.ppf`: Newton on ln Φ, accurate far in the tails.
fn ppf_log_space(q: f64, a: f64, b: f64) -> f64 {
    let log_mass = log_gauss_mass(a, b);
    if a < 0.0 {
        ndtri_exp(log_add_exp(log_ndtr(a), q.ln() + log_mass))
    } else {
        -ndtri_exp(log_add_exp(log_ndtr(-b), (-q).ln_1p() + log_mass))
    }
}

/// Φ⁻¹(p) for p in (0, 1): Wichura (1988), algorithm AS 241 (PPND16). The published
/// coefficients are kept digit for digit.
#[allow(clippy::excessive_precision)]
pub(crate) fn ndtri(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((2509.080928730122_7 * r + 33430.575583588128) * r + 67265.770927008700)
                * r
                + 45921.953931549871)
                * r
                + 13731.693765509461)
                * r
                + 1971.5909503065514)
                * r
                + 133.14166789178438)
                * r
                + 3.3871328727963666)
            / (((((((5226.495278852545_4 * r + 28729.085735721943) * r + 39307.895800092710)
                * r
                + 21213.794301586596)
                * r
                + 5394.1960214247511)
                * r
                + 687.18700749205790)
                * r
                + 42.313330701600911)
                * r
                + 1.0);
    }
    let mut r = if q < 0.0 { p } else { 1.0 - p };
    r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        r -= 1.6;
        (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
            + 0.24178072517745061177)
            * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734)
            / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
                + 0.0151986665636164571966)
                * r
                + 0.14810397642748007459)
                * r
                + 0.68976733498510000455)
                * r
                + 1.6763848301838038494)
                * r
                + 2.05319162663775882187)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772)
            / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
                + 1.8463183175100546818e-5)
                * r
                + 7.868691311456132591e-4)
                * r
                + 0.0148753612908506148525)
                * r
                + 0.13692988092273580531)
                * r
                + 0.59983220655588793769)
                * r
                + 1.0)
    };
    if q < 0.0 { -x } else { x }
}

#[cfg(test)]
/// Log-density at `x` of N(μ, σ²) truncated to `[low, high]` (−∞ outside).
pub(crate) fn logpdf(x: f64, mu: f64, sigma: f64, low: f64, high: f64) -> f64 {
    if x < low || x > high {
        return f64::NEG_INFINITY;
    }
    let z = (x - mu) / sigma;
    -0.5 * z * z
        - LN_SQRT_2PI
        - log_gauss_mass((low - mu) / sigma, (high - mu) / sigma)
        - sigma.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    // Goldens from SciPy 1.17.1 (/tmp/refenv):
    //   from scipy.stats import truncnorm, norm; import numpy as np
    //   [np.log(norm.cdf(b) - norm.cdf(a)) for a, b in cases]  (or log_ndtr differences in tails:
    //   scipy.special.log_ndtr(b) + np.log1p(-np.exp(log_ndtr(a) - log_ndtr(b))))
    #[test]
    fn log_gauss_mass_matches_scipy() {
        let cases = [
            (-1.0, 1.0, -0.38171514630212616),
            (-40.0, -30.0, -454.32124395634327),
            (30.0, 40.0, -454.32124395634327),
            (-0.5, 3.0, -0.3709005595620325),
            (2.0, 2.5, -4.101945378031024),
            (-100.0, 100.0, 0.0),
        ];
        for (a, b, want) in cases {
            let got = log_gauss_mass(a, b);
            assert!(
                close(got, want, 1e-12) || (want == 0.0 && got.abs() < 1e-300),
                "[{a},{b}]: {got} vs {want}"
            );
        }
    }

    // scipy.stats.truncnorm.logpdf(x, a, b, loc, scale) with a=(low-loc)/scale, b=(high-loc)/scale
    #[test]
    fn logpdf_matches_scipy() {
        let cases = [
            // x, mu, sigma, low, high, scipy
            (0.3, 0.5, 0.2, 0.0, 1.0, 0.20299647429333256),
            (-3.0, 1.0, 0.5, -5.0, 10.0, -32.22579135264473),
            (9.9, 0.0, 1.0, -10.0, 10.0, -49.92393853320468),
        ];
        for (x, mu, s, lo, hi, want) in cases {
            let got = logpdf(x, mu, s, lo, hi);
            assert!(
                close(got, want, 1e-12),
                "logpdf({x}; {mu},{s}) = {got}, scipy {want}"
            );
        }
        assert_eq!(logpdf(1.5, 0.5, 0.2, 0.0, 1.0), f64::NEG_INFINITY);
    }

    // scipy.special.ndtri(p)
    #[test]
    fn ndtri_matches_scipy() {
        let cases = [
            (0.5, 0.0),
            (0.975, 1.959963984540054),
            (1e-10, -6.361340902404056),
            (0.3, -0.5244005127080409),
            (1e-300, -37.0470962993612),
        ];
        for (p, want) in cases {
            let got = ndtri(p);
            assert!(
                (got - want).abs() <= 1e-14 * want.abs().max(1.0),
                "ndtri({p}) = {got} vs {want}"
            );
        }
    }

    // scipy.stats.truncnorm.ppf(q, a, b)
    #[test]
    fn ppf_matches_scipy_and_inverts_the_cdf() {
        let cases = [
            (0.5, -1.0, 1.0, 0.0),
            (0.1, -0.5, 3.0, -0.3119249110381257),
            (0.9, 2.0, 2.5, 2.4151802621072687),
            (0.3, -40.0, -30.0, -30.040061293677958),
            (0.7, 5.0, 30.0, 5.227313280914729),
        ];
        for (q, a, b, want) in cases {
            let got = ppf(q, a, b);
            assert!(
                (got - want).abs() < 1e-7 * want.abs().max(1.0),
                "ppf({q}; {a},{b}) = {got} vs {want}"
            );
        }
        for (q, a, b, _) in cases {
            let (fast, slow) = (ppf(q, a, b), ppf_log_space(q, a, b));
            assert!(
                (fast - slow).abs() < 1e-7 * fast.abs().max(1.0),
                "paths disagree at ({q}, {a}, {b})"
            );
        }
        assert_eq!(ppf(0.0, -1.0, 2.0), -1.0);
        assert_eq!(ppf(1.0, -1.0, 2.0), 2.0);
    }
}
