//! Golden values from Optuna 5.0.0's own GP modules (`optuna._gp.gp`, `prior`, `acqf`) on a
//! small mixed history, computed by `bench/gp_goldens.py` (torch 2.15 CPU, float64):
//!
//! ```text
//! X = [[0.1, 0], [0.4, 1], [0.35, 2], [0.8, 0], [0.95, 1], [0.6, 2], [0.5, 0]]   (2nd: categorical)
//! Y = [-1.0, 0.5, 0.2, 1.3, -0.4, 0.9, 0.1]
//! raw = [0.7, -0.3, 0.2, -2.5]   (ln ℓ₁, ln ℓ₂, ln s, ln(σ² − 1e-6))
//! loss = -gpr.marginal_log_likelihood() - prior.default_log_prior(gpr); loss.backward()
//! gpr._cache_matrix(); gpr.posterior(POINTS); acqf.standard_logei(z); acqf.logei(m, v + 1e-12, 0.7)
//! gp.fit_kernel_params(X, Y, is_categorical, default_log_prior, 1e-6, False)
//! ```
//! Optuna's marginal likelihood omits the constant `−(n/2)·ln 2π`, which ours keeps.

use super::acquisition::{log_ei, standard_log_ei};
use super::gp_model::GpModel;
use super::kernel::{KernelParams, covariance};
use super::marginal::{
    FitState, TrainingData, fit, neg_log_posterior, params_from_raw, raw_from_params,
};

const X: [f64; 14] = [
    0.1, 0.0, 0.4, 1.0, 0.35, 2.0, 0.8, 0.0, 0.95, 1.0, 0.6, 2.0, 0.5, 0.0,
];
const Y: [f64; 7] = [-1.0, 0.5, 0.2, 1.3, -0.4, 0.9, 0.1];
const CAT: [bool; 2] = [false, true];
const RAW: [f64; 4] = [0.7, -0.3, 0.2, -2.5];
const POINTS: [[f64; 2]; 4] = [[0.2, 0.0], [0.5, 1.0], [0.99, 2.0], [0.1, 0.0]];
const N_HALF_LN_2PI: f64 = 6.432569732432709;

fn close(got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * (1.0 + want.abs()),
        "{got} vs Optuna's {want}"
    );
}

#[test]
fn kernel_matrix_matches_optuna() {
    let want = [
        1.2214027581601699,
        0.6682976161829489,
        0.6894856822099434,
        0.6447002517480683,
        0.35438884947338095,
        0.5614615495505236,
        0.9632884834852776,
    ];
    let mut p = params_from_raw(&RAW, true);
    p.noise = 0.0; // Optuna's `kernel()` has no noise on the diagonal.
    let mut c = Vec::new();
    covariance(&X, 2, &p, &CAT, &mut c);
    for (got, want) in c[..7].iter().zip(want) {
        close(*got, want, 1e-14);
    }
}

#[test]
fn log_marginal_posterior_and_gradient_match_optuna() {
    let data = TrainingData {
        x: &X,
        y: &Y,
        categorical: &CAT,
    };
    let mut g = [0.0; 4];
    let loss = neg_log_posterior(&RAW, &data, true, &mut g);
    close(loss - N_HALF_LN_2PI, 6.874701436446434, 1e-12);
    for (got, want) in g.iter().zip([
        -1.0016166699195972,
        -0.5233147856737765,
        -0.23999111319023633,
        2.0282681120461397,
    ]) {
        close(*got, want, 1e-10);
    }
}

#[test]
fn posterior_and_log_ei_match_optuna() {
    let gp = GpModel::new(
        X.to_vec(),
        Y.to_vec(),
        CAT.to_vec(),
        params_from_raw(&RAW, true),
    )
    .unwrap();
    let means = [
        -0.6797196284054663,
        0.3421490857491545,
        0.8138322874411528,
        -0.8721529547187816,
    ];
    let vars = [
        0.060069215954059674,
        0.07547311340421481,
        0.3615626259226191,
        0.0684090351689135,
    ];
    let leis = [
        -21.712271052038997,
        -4.3869162092748955,
        -1.200358748318448,
        -23.988712676518492,
    ];
    let mut buf = Vec::new();
    for (i, x) in POINTS.iter().enumerate() {
        let (m, v) = gp.posterior(x, &mut buf);
        close(m, means[i], 1e-12);
        close(v, vars[i], 1e-11);
        close(log_ei(m, v, 0.7).0, leis[i], 1e-11);
    }
    let zs = [-40.0, -30.0, -25.0, -5.0, 0.0, 2.0];
    for (z, want) in zs.into_iter().zip([
        -808.2985683566197,
        -457.7246537605979,
        -319.86146358148136,
        -16.744301162660967,
        -0.9189385332046727,
        0.6973835457882284,
    ]) {
        close(standard_log_ei(z).0, want, 1e-12);
    }
}

// The MAP fit reaches Optuna's optimum (same loss to 1e-4; SciPy's L-BFGS-B and ours stop at
// slightly different points within gtol = 1e-2).
#[test]
fn map_fit_matches_optuna() {
    let data = TrainingData {
        x: &X,
        y: &Y,
        categorical: &CAT,
    };
    let m = fit(&data, true, &mut FitState::default()).unwrap();
    let mut g = [0.0; 4];
    let loss = neg_log_posterior(&raw_from_params(m.params()), &data, true, &mut g);
    close(loss - N_HALF_LN_2PI, 4.257028516829596, 1e-4);
    let want = KernelParams {
        inv_sq_lengthscales: vec![5.219624426584418, 1.981449406031013],
        scale: 0.9243634643028924,
        noise: 0.003355291337640753,
    };
    let p = m.params();
    for (a, b) in p.inv_sq_lengthscales.iter().zip(&want.inv_sq_lengthscales) {
        close(*a, *b, 0.05);
    }
    close(p.scale, want.scale, 0.05);
}
