//! A box-constrained limited-memory BFGS (projected L-BFGS) for the two small optimisations of
//! the GP sampler: the kernel hyperparameters (unbounded, in log space) and the acquisition
//! function (inside the unit box).
//!
//! Each iteration: the projected gradient (components pushing out of the box at an active
//! bound are zeroed) stops the search once `‖·‖∞ ≤ gtol`; the two-loop recursion over the last
//! `m` pairs `(sₖ, yₖ)` gives the direction on the free coordinates; a backtracking line search
//! along the projected path `P(x + t·p)` from `t = 1`, each failed step shrunk to the minimiser of
//! the quadratic through `f(x)`, its slope and `f(x⁺)` (kept within `[t/10, t/2]`), accepts the
//! first `t` with the Armijo
//! decrease `f(x⁺) ≤ f(x) + 10⁻⁴·gᵀ(x⁺ − x)`. It also stops when the decrease falls below
//! `ftol·max(|f|, |f⁺|, 1)` (SciPy's `factr·ε` test, `ftol = 2.2·10⁻⁹`) or after `max_iter`.
//! Pairs with `sᵀy ≤ 10⁻¹⁰·‖s‖‖y‖` are skipped, so the inverse Hessian estimate stays
//! positive definite. A non-finite value at a trial step counts as no decrease.
//!
//! Why not a crate: `argmin`'s L-BFGS has no bounds and the L-BFGS-B crates wrap Fortran; this
//! is SciPy's semantics for the cases used here without a build dependency, and it allocates
//! only when its [`LbfgsWorkspace`] first meets a dimension.

/// Settings of [`minimize`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LbfgsOptions {
    /// Memory: the number of `(s, y)` pairs kept (SciPy: 10).
    pub memory: usize,
    /// The most iterations.
    pub max_iter: usize,
    /// Stop when the projected gradient's largest component is at most this.
    pub gtol: f64,
    /// Stop when the relative decrease of `f` in one iteration is below this.
    pub ftol: f64,
    /// Start from the `(s, y)` pairs the workspace kept from its previous run (of the same
    /// dimension and memory) instead of from steepest descent: a warm start of the curvature
    /// for a sequence of similar problems, such as the MAP fits of consecutive trials.
    pub reuse_memory: bool,
}

impl Default for LbfgsOptions {
    fn default() -> Self {
        LbfgsOptions {
            memory: 10,
            max_iter: 200,
            gtol: 1e-5,
            ftol: 2.220446049250313e-9,
            reuse_memory: false,
        }
    }
}

/// Reusable buffers of [`minimize`].
#[derive(Clone, Debug, Default)]
pub struct LbfgsWorkspace {
    s: Vec<f64>,
    y: Vec<f64>,
    alpha: Vec<f64>,
    g: Vec<f64>,
    g_new: Vec<f64>,
    x_new: Vec<f64>,
    p: Vec<f64>,
    /// 1 for the free coordinates of the current iteration, 0 for those held at a bound.
    mask: Vec<f64>,
    /// `1/(sᵀy)` over the free coordinates (0: pair skipped this iteration).
    rho_free: Vec<f64>,
    /// Pairs held and the next slot of the ring `s`, `y`.
    stored: usize,
    head: usize,
}

/// How [`minimize`] ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LbfgsResult {
    /// The final value `f(x)`.
    pub value: f64,
    /// Iterations done.
    pub iterations: usize,
    /// Whether a convergence test (gradient or decrease) ended it, rather than the iteration
    /// limit or a failed line search.
    pub converged: bool,
}

/// Minimises `f` over the box `[lower, upper]` from `x` (projected into the box first),
/// leaving the best point in `x`. `f(x, grad)` returns the value and writes the gradient
/// (same length as `x`). `lower` / `upper` have the length of `x` (±∞ for no bound).
pub fn minimize<F: FnMut(&[f64], &mut [f64]) -> f64>(
    mut f: F,
    x: &mut [f64],
    lower: &[f64],
    upper: &[f64],
    opts: &LbfgsOptions,
    ws: &mut LbfgsWorkspace,
) -> LbfgsResult {
    let n = x.len();
    let m = opts.memory.max(1);
    for v in [
        &mut ws.g,
        &mut ws.g_new,
        &mut ws.x_new,
        &mut ws.p,
        &mut ws.mask,
    ] {
        v.clear();
        v.resize(n, 0.0);
    }
    let keep = opts.reuse_memory && ws.s.len() == m * n && ws.rho_free.len() == m;
    if !keep {
        for (v, len) in [(&mut ws.s, m * n), (&mut ws.y, m * n)] {
            v.clear();
            v.resize(len, 0.0);
        }
        (ws.stored, ws.head) = (0, 0);
    }
    for v in [&mut ws.alpha, &mut ws.rho_free] {
        v.clear();
        v.resize(m, 0.0);
    }
    let project = |v: &mut [f64]| {
        for ((v, &lo), &hi) in v.iter_mut().zip(lower).zip(upper) {
            *v = v.max(lo).min(hi);
        }
    };
    project(x);
    let mut fx = f(x, &mut ws.g);
    if !fx.is_finite() {
        return LbfgsResult {
            value: fx,
            iterations: 0,
            converged: false,
        };
    }
    let free = |x: f64, g: f64, lo: f64, hi: f64| !((x <= lo && g > 0.0) || (x >= hi && g < 0.0));
    for it in 0..opts.max_iter {
        // Projected gradient test.
        let mut pg_max = 0.0f64;
        for i in 0..n {
            if free(x[i], ws.g[i], lower[i], upper[i]) {
                pg_max = pg_max.max(ws.g[i].abs());
            }
        }
        if pg_max <= opts.gtol {
            return LbfgsResult {
                value: fx,
                iterations: it,
                converged: true,
            };
        }
        // Two-loop recursion restricted to the free coordinates F: p = −H_F·g_F, with each
        // pair's products taken over F (so coordinates held at a bound do not leak into the
        // direction) and pairs with (sᵀy)_F too small skipped.
        for i in 0..n {
            let f = free(x[i], ws.g[i], lower[i], upper[i]);
            ws.mask[i] = if f { 1.0 } else { 0.0 };
            ws.p[i] = if f { ws.g[i] } else { 0.0 };
        }
        let mut gamma = None;
        for k in 0..ws.stored {
            let j = (ws.head + m - 1 - k) % m;
            let (sj, yj) = (&ws.s[j * n..(j + 1) * n], &ws.y[j * n..(j + 1) * n]);
            let sy = masked_dot(sj, yj, &ws.mask);
            let yy = masked_dot(yj, yj, &ws.mask);
            let floor = 1e-10 * (masked_dot(sj, sj, &ws.mask) * yy).sqrt();
            if sy.is_nan() || sy <= floor {
                ws.rho_free[j] = 0.0;
                ws.alpha[j] = 0.0;
                continue;
            }
            ws.rho_free[j] = 1.0 / sy;
            gamma.get_or_insert(sy / yy);
            let a = ws.rho_free[j] * masked_dot(sj, &ws.p, &ws.mask);
            ws.alpha[j] = a;
            masked_axpy(-a, yj, &mut ws.p, &ws.mask);
        }
        if let Some(gamma) = gamma {
            ws.p.iter_mut().for_each(|v| *v *= gamma);
        }
        for k in (0..ws.stored).rev() {
            let j = (ws.head + m - 1 - k) % m;
            if ws.rho_free[j] == 0.0 {
                continue;
            }
            let b = ws.rho_free[j] * masked_dot(&ws.y[j * n..(j + 1) * n], &ws.p, &ws.mask);
            masked_axpy(
                ws.alpha[j] - b,
                &ws.s[j * n..(j + 1) * n],
                &mut ws.p,
                &ws.mask,
            );
        }
        for (p, &mk) in ws.p.iter_mut().zip(&ws.mask) {
            *p = -*p * mk;
        }
        if dot(&ws.p, &ws.g) >= 0.0 {
            // Not a descent direction: restart from steepest descent.
            ws.stored = 0;
            for i in 0..n {
                ws.p[i] = if free(x[i], ws.g[i], lower[i], upper[i]) {
                    -ws.g[i]
                } else {
                    0.0
                };
            }
        }
        // Backtracking along the projected path.
        let mut t = if ws.stored == 0 {
            (1.0 / norm(&ws.p)).min(1.0)
        } else {
            1.0
        };
        let mut accepted = None;
        for _ in 0..40 {
            for ((xn, &xi), &pi) in ws.x_new.iter_mut().zip(x.iter()).zip(&ws.p) {
                *xn = xi + t * pi;
            }
            project(&mut ws.x_new);
            let decrease: f64 =
                ws.g.iter()
                    .zip(&ws.x_new)
                    .zip(x.iter())
                    .map(|((g, xn), xi)| g * (xn - xi))
                    .sum();
            if decrease >= 0.0 {
                break;
            }
            let f_new = f(&ws.x_new, &mut ws.g_new);
            if f_new.is_finite() && f_new <= fx + 1e-4 * decrease {
                accepted = Some(f_new);
                break;
            }
            // The minimiser of the quadratic through f(x), its slope and f(x⁺), kept within
            // [t/10, t/2]; halving when f(x⁺) is not finite.
            let curvature = f_new - fx - decrease;
            t *= if f_new.is_finite() && curvature > 0.0 {
                (-0.5 * decrease / curvature).clamp(0.1, 0.5)
            } else {
                0.5
            };
        }
        let Some(f_new) = accepted else {
            return LbfgsResult {
                value: fx,
                iterations: it,
                converged: false,
            };
        };
        // New pair.
        let (s, y) = (
            &mut ws.s[ws.head * n..(ws.head + 1) * n],
            &mut ws.y[ws.head * n..(ws.head + 1) * n],
        );
        for i in 0..n {
            s[i] = ws.x_new[i] - x[i];
            y[i] = ws.g_new[i] - ws.g[i];
        }
        let sy = dot(s, y);
        if sy > 1e-10 * norm(s) * norm(y) {
            ws.head = (ws.head + 1) % m;
            ws.stored = (ws.stored + 1).min(m);
        }
        x.copy_from_slice(&ws.x_new);
        std::mem::swap(&mut ws.g, &mut ws.g_new);
        let f_old = fx;
        fx = f_new;
        if f_old - fx <= opts.ftol * f_old.abs().max(fx.abs()).max(1.0) {
            return LbfgsResult {
                value: fx,
                iterations: it + 1,
                converged: true,
            };
        }
    }
    LbfgsResult {
        value: fx,
        iterations: opts.max_iter,
        converged: false,
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// `Σ aᵢbᵢmᵢ` (`m` a 0/1 mask).
fn masked_dot(a: &[f64], b: &[f64], m: &[f64]) -> f64 {
    a.iter().zip(b).zip(m).map(|((x, y), m)| x * y * m).sum()
}

/// `y ← y + a·x` where the mask `m` is 1.
fn masked_axpy(a: f64, x: &[f64], y: &mut [f64], m: &[f64]) {
    for ((y, x), m) in y.iter_mut().zip(x).zip(m) {
        *y += a * x * m;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
        let (a, b) = (x[0], x[1]);
        g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        g[1] = 200.0 * (b - a * a);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }

    #[test]
    fn finds_the_rosenbrock_minimum_unbounded() {
        let mut x = [-1.2, 1.0];
        let inf = [f64::INFINITY; 2];
        let ninf = [f64::NEG_INFINITY; 2];
        let opts = LbfgsOptions {
            gtol: 1e-8,
            ftol: 0.0,
            ..Default::default()
        };
        let r = minimize(
            rosenbrock,
            &mut x,
            &ninf,
            &inf,
            &opts,
            &mut Default::default(),
        );
        assert!(r.converged, "{r:?}");
        assert!(
            (x[0] - 1.0).abs() < 1e-6 && (x[1] - 1.0).abs() < 1e-6,
            "{x:?}"
        );
    }

    /// An ill-conditioned quadratic `Σ cᵢ (xᵢ − tᵢ)²` with its gradient.
    fn quadratic(t: &[f64], x: &[f64], g: &mut [f64]) -> f64 {
        let mut v = 0.0;
        for i in 0..x.len() {
            let c = 10f64.powi(i as i32 % 4);
            g[i] = 2.0 * c * (x[i] - t[i]);
            v += c * (x[i] - t[i]).powi(2);
        }
        v
    }

    #[test]
    fn kept_curvature_pairs_shorten_the_next_run() {
        let (ninf, inf) = ([f64::NEG_INFINITY; 8], [f64::INFINITY; 8]);
        let opts = LbfgsOptions {
            gtol: 1e-6,
            ..Default::default()
        };
        let mut ws = LbfgsWorkspace::default();
        let mut x = [0.0; 8];
        let first = minimize(
            |x, g| quadratic(&[1.0; 8], x, g),
            &mut x,
            &ninf,
            &inf,
            &opts,
            &mut ws,
        );
        assert!(first.converged);
        // The next problem: the same curvature, a moved optimum.
        let target = [1.5; 8];
        let mut runs = Vec::new();
        for reuse_memory in [false, true] {
            let mut ws = ws.clone();
            let mut y = x;
            let mut evals = 0;
            let opts = LbfgsOptions {
                reuse_memory,
                ..opts
            };
            let r = minimize(
                |x, g| {
                    evals += 1;
                    quadratic(&target, x, g)
                },
                &mut y,
                &ninf,
                &inf,
                &opts,
                &mut ws,
            );
            assert!(
                r.converged && y.iter().all(|v| (v - 1.5).abs() < 1e-5),
                "{y:?}"
            );
            runs.push(evals);
        }
        assert!(
            runs[1] < runs[0],
            "evaluations without / with the pairs: {runs:?}"
        );
    }

    #[test]
    fn coordinates_held_at_a_bound_do_not_spoil_the_direction() {
        // A coupled, ill-conditioned quadratic whose minimiser lies outside the box in three
        // of six coordinates: the solution has three active bounds.
        let t = [1.4, -0.3, 0.5, 0.45, 1.2, 0.55];
        let f = |x: &[f64], g: &mut [f64]| {
            let mut v = 0.0;
            g.iter_mut().for_each(|g| *g = 0.0);
            for i in 0..6 {
                for j in 0..6 {
                    let a = if i == j {
                        10f64.powi(i as i32 % 3)
                    } else {
                        0.3
                    };
                    v += a * (x[i] - t[i]) * (x[j] - t[j]);
                    g[i] += 2.0 * a * (x[j] - t[j]);
                }
            }
            v
        };
        let mut x = [0.5; 6];
        let opts = LbfgsOptions {
            gtol: 1e-6,
            ftol: 0.0,
            ..Default::default()
        };
        let r = minimize(
            f,
            &mut x,
            &[0.0; 6],
            &[1.0; 6],
            &opts,
            &mut Default::default(),
        );
        assert!(r.converged && r.iterations < 40, "{r:?} at {x:?}");
        assert_eq!((x[0], x[1], x[4]), (1.0, 0.0, 1.0));
    }

    #[test]
    fn stops_on_an_active_bound() {
        // min (a − 2)² + (b + 1)² on [0, 1]²: the corner (1, 0).
        let f = |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * (x[0] - 2.0);
            g[1] = 2.0 * (x[1] + 1.0);
            (x[0] - 2.0).powi(2) + (x[1] + 1.0).powi(2)
        };
        let mut x = [0.5, 0.5];
        let r = minimize(
            f,
            &mut x,
            &[0.0; 2],
            &[1.0; 2],
            &Default::default(),
            &mut Default::default(),
        );
        assert!(r.converged);
        assert_eq!(x, [1.0, 0.0]);
        assert_eq!(r.value, 2.0);
    }
}
