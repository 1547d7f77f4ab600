"""Golden values of Optuna 5's GP internals (optuna._gp) for gradus-tune's unit tests.

Run with the venv of compare-gp.sh (optuna==5.0.0, torch, scipy):
    bench/.venv-optuna-gp/bin/python bench/gp_goldens.py
The numbers are pasted into crates/tune/src/samplers/gp/goldens.rs.
"""

import json
import math

import numpy as np
import torch

from optuna._gp import acqf, gp, prior

torch.set_default_dtype(torch.float64)

# A small history: 7 points in 2-D, the second coordinate categorical (3 choices, by index).
X = np.array(
    [[0.1, 0.0], [0.4, 1.0], [0.35, 2.0], [0.8, 0.0], [0.95, 1.0], [0.6, 2.0], [0.5, 0.0]]
)
Y = np.array([-1.0, 0.5, 0.2, 1.3, -0.4, 0.9, 0.1])
IS_CAT = np.array([False, True])
RAW = np.array([0.7, -0.3, 0.2, -2.5])  # ln ℓ1, ln ℓ2, ln s, ln(σ² − 1e-6)
POINTS = torch.tensor([[0.2, 0.0], [0.5, 1.0], [0.99, 2.0], [0.1, 0.0]])


def gpr_at(raw):
    return gp.GPRegressor(
        is_categorical=torch.from_numpy(IS_CAT),
        X_train=torch.from_numpy(X),
        y_train=torch.from_numpy(Y),
        inverse_squared_lengthscales=torch.exp(raw[:2]),
        kernel_scale=torch.exp(raw[2]),
        noise_var=torch.exp(raw[3]) + prior.DEFAULT_MINIMUM_NOISE_VAR,
    )


raw = torch.from_numpy(RAW.copy()).requires_grad_(True)
g = gpr_at(raw)
loss = -g.marginal_log_likelihood() - prior.default_log_prior(g)
loss.backward()
with torch.no_grad():
    k = g.kernel()
g = gpr_at(torch.from_numpy(RAW.copy()))
g._cache_matrix()
with torch.no_grad():
    mean, var = g.posterior(POINTS)
    z = torch.tensor([-40.0, -30.0, -25.0, -5.0, 0.0, 2.0])
    h = acqf.standard_logei(z)
    lei = acqf.logei(mean.clone(), var.clone() + 1e-12, 0.7)
fit = gp.fit_kernel_params(
    X=X,
    Y=Y,
    is_categorical=IS_CAT,
    log_prior=prior.default_log_prior,
    minimum_noise=prior.DEFAULT_MINIMUM_NOISE_VAR,
    deterministic_objective=False,
)
fit_raw = torch.cat(
    [
        torch.log(fit.inverse_squared_lengthscales),
        torch.log(fit.kernel_scale).reshape(1),
        torch.log(fit.noise_var - prior.DEFAULT_MINIMUM_NOISE_VAR).reshape(1),
    ]
)
fg = gpr_at(fit_raw)
fit_loss = -fg.marginal_log_likelihood() - prior.default_log_prior(fg)
print(
    json.dumps(
        {
            "kernel_row0": k[0].tolist(),
            # Optuna omits the constant −(n/2)·ln 2π of the marginal likelihood.
            "neg_log_posterior_without_const": loss.item(),
            "n_half_ln_2pi": 0.5 * len(Y) * math.log(2 * math.pi),
            "grad": raw.grad.tolist(),
            "posterior_mean": mean.tolist(),
            "posterior_var": var.tolist(),
            "standard_logei": h.tolist(),
            "logei_f0_0.7": lei.tolist(),
            "fit_params": [
                fit.inverse_squared_lengthscales.tolist(),
                fit.kernel_scale.item(),
                fit.noise_var.item(),
            ],
            "fit_loss_without_const": fit_loss.item(),
        },
        indent=1,
    )
)
