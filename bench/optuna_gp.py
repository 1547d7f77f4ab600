"""Optuna's side of the GP comparison (see compare-gp.sh).

Runs Optuna 5's GPSampler(seed=s) on the functions of optuna_tpe.py with the protocol of
`gradus-bench hpo`: ask + suggestions timed per trial; prints one JSON line per run with
`{function, sampler: "optuna-gp", seed, best, regret, ms_per_suggestion (after the 10 start-up
trials), ms_per_suggestion_last10}`.
"""

import argparse
import json
import time

import optuna

from optuna_tpe import FUNCTIONS

optuna.logging.set_verbosity(optuna.logging.WARNING)


def run(name, evals, seed):
    bounds, minimum, f = FUNCTIONS[name]
    study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=seed))
    tail = evals - evals // 10
    model, last = 0.0, 0.0
    for i in range(evals):
        start = time.perf_counter()
        trial = study.ask()
        x = [trial.suggest_float(f"x{j}", lo, hi) for j, (lo, hi) in enumerate(bounds)]
        secs = time.perf_counter() - start
        if i >= 10:
            model += secs
        if i >= tail:
            last += secs
        study.tell(trial, f(x))
    best = study.best_value
    return {
        "function": name,
        "sampler": "optuna-gp",
        "seed": seed,
        "best": best,
        "regret": best - minimum,
        "ms_per_suggestion": 1e3 * model / max(1, evals - 10),
        "ms_per_suggestion_last10": 1e3 * last / max(1, evals - tail),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--functions", default=",".join(FUNCTIONS))
    p.add_argument("--seeds", default="0-9")
    p.add_argument("--evals", type=int, default=200)
    a = p.parse_args()
    lo, hi = (int(s) for s in a.seeds.split("-"))
    for name in a.functions.split(","):
        for seed in range(lo, hi + 1):
            print(json.dumps(run(name, a.evals, seed)), flush=True)


if __name__ == "__main__":
    main()
