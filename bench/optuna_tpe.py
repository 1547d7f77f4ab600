"""Optuna's side of the TPE comparison (see compare-tpe.sh).

Runs Optuna 5's default TPESampler(seed=s) on the same functions and protocol as
`gradus-bench tpe`, printing one JSON line per run; `--latency` measures the mean
milliseconds per suggestion (ask + all suggestions of a trial) over the last 10% of trials.
"""

import argparse
import json
import math
import time

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)


def branin(x):
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2 + 10 * (1 - t) * math.cos(x[0]) + 10


def hartmann6(x):
    x = np.asarray(x)
    return float(-np.sum(ALPHA * np.exp(-np.sum(A * (x - P) ** 2, axis=1))))


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    n = len(x)
    sq = sum(v * v for v in x) / n
    cs = sum(math.cos(2 * math.pi * v) for v in x) / n
    return -20 * math.exp(-0.2 * math.sqrt(sq)) - math.exp(cs) + 20 + math.e


def styblinski_tang(x):
    return sum(v**4 - 16 * v * v + 5 * v for v in x) / 2


FUNCTIONS = {
    "branin": ([(-5, 10), (0, 15)], 0.3978873577297382, branin),
    "hartmann6": ([(0, 1)] * 6, -3.322368011391339, hartmann6),
    "rosenbrock10": ([(-5, 10)] * 10, 0.0, rosenbrock),
    "ackley10": ([(-32.768, 32.768)] * 10, 0.0, ackley),
    "styblinski_tang10": ([(-5, 5)] * 10, -39.16616570377142 * 10, styblinski_tang),
}


def run(name, evals, seed, decorrelated=False):
    bounds, minimum, f = FUNCTIONS[name]

    def objective(trial):
        return f([trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)])

    sampler = optuna.samplers.TPESampler(seed=seed)
    if decorrelated:
        # TPESampler(seed) seeds its start-up RandomSampler with the same seed as its own
        # candidate stream, so the first TPE candidates reuse the start-up trials' uniforms.
        # This variant gives the start-up sampler its own stream (a diagnostic, not the default).
        sampler._random_sampler = optuna.samplers.RandomSampler(seed=seed + 1000003)
    study = optuna.create_study(sampler=sampler)
    study.optimize(objective, n_trials=evals)
    best = study.best_value
    peer = "optuna-decorrelated" if decorrelated else "optuna"
    return {"function": name, "seed": seed, "best": best, "regret": best - minimum, "peer": peer}


def latency(trials, dim, seed):
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    tail = trials - trials // 10
    total = 0.0
    for i in range(trials):
        start = time.perf_counter()
        trial = study.ask()
        x = [trial.suggest_float(f"x{j}", -5, 5) for j in range(dim)]
        if i >= tail:
            total += time.perf_counter() - start
        study.tell(trial, sum(v * v for v in x))
    return {"trials": trials, "dim": dim, "mean_ms_per_suggestion": 1e3 * total / (trials - tail), "peer": "optuna"}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--functions", default=",".join(FUNCTIONS))
    p.add_argument("--seeds", default="0-9")
    p.add_argument("--evals", type=int, default=200)
    p.add_argument("--latency", action="store_true")
    p.add_argument("--decorrelated", action="store_true", help="start-up sampler on its own stream")
    p.add_argument("--trials", type=int, default=1000)
    p.add_argument("--dim", type=int, default=10)
    a = p.parse_args()
    if a.latency:
        print(json.dumps(latency(a.trials, a.dim, 0)), flush=True)
        return
    lo, hi = (int(s) for s in a.seeds.split("-"))
    for name in a.functions.split(","):
        for seed in range(lo, hi + 1):
            print(json.dumps(run(name, a.evals, seed, a.decorrelated)), flush=True)


if __name__ == "__main__":
    main()
