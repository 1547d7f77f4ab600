"""Optuna's side of the storage comparison (see compare-storage.sh).

The workload of `gradus-bench storage`: one process, RandomSampler(seed=0), per trial
`study.ask()`, five suggestions (log float, int, float, categorical, stepped float) and
`study.tell()`; prints the mean milliseconds per trial over the last 10% of the trials as
one JSON line. Storages: Optuna's InMemoryStorage, or an RDB URL (SQLAlchemy form), which
Optuna wraps in its _CachedStorage as `create_study(storage=URL)` does.
"""

import argparse
import json
import os
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--backend", required=True, choices=["memory", "sqlite", "postgres"])
    p.add_argument("--url", help="SQLAlchemy URL of the RDB storage")
    p.add_argument("--trials", type=int, default=1000)
    a = p.parse_args()
    storage = optuna.storages.InMemoryStorage() if a.backend == "memory" else a.url
    name = f"bench-storage-{os.getpid()}-{time.time_ns()}"
    study = optuna.create_study(
        storage=storage, study_name=name, sampler=optuna.samplers.RandomSampler(seed=0)
    )
    tail = a.trials - a.trials // 10
    total = 0.0
    for i in range(a.trials):
        start = time.perf_counter()
        trial = study.ask()
        lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)
        units = trial.suggest_int("units", 16, 256)
        dropout = trial.suggest_float("dropout", 0.0, 0.5)
        act = trial.suggest_categorical("act", ["relu", "tanh", "gelu"])
        x = trial.suggest_float("x", -5.0, 5.0, step=0.5)
        study.tell(trial, lr + units / 256 + dropout + x + len(act))
        if i >= tail:
            total += time.perf_counter() - start
    optuna.delete_study(study_name=name, storage=storage)
    print(
        json.dumps(
            {
                "library": "optuna",
                "backend": a.backend,
                "trials": a.trials,
                "ms_per_trial": 1e3 * total / (a.trials - tail),
            }
        )
    )


if __name__ == "__main__":
    main()
