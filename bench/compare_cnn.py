"""Runs the `cnn` workload in gradus and PyTorch and prints the comparison table.

Driven by bench/compare-cnn.sh (which creates the venv and builds gradus-bench):

    python bench/compare_cnn.py --gradus-bin target/release/gradus-bench [--rounds 3]

Every thread count (1, 2) runs in gradus and in PyTorch (bench/pytorch_cnn.py),
interleaved, for several rounds; each engine keeps its fastest round (the one least
disturbed by other work on the machine). The foreign load of each run (CPU time that other
processes used meanwhile, in cores; see bench/compare_mlp.py) is shown: a comparison is
only meaningful when it is near 0.

All JSON lines go to --out. The exit status is 1 when a target is missed.
"""

import argparse
import json
import os
import statistics
import sys

from compare_mlp import run

# Minimum speed-up over PyTorch (its µs/step ÷ gradus's), per thread count.
TARGETS = {1: 1.2, 2: 1.2}
HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gradus-bin", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    engines = {
        "gradus": lambda t: [a.gradus_bin, "cnn", "--threads", str(t), "--epochs", str(a.epochs)],
        "pytorch": lambda t: [sys.executable, os.path.join(HERE, "pytorch_cnn.py"),
                              "--threads", str(t), "--epochs", str(a.epochs)],
    }
    runs = {}
    with open(a.out, "a") as log:
        for r in range(a.rounds):
            for t in TARGETS:
                names = list(engines)
                names = names[r % len(names):] + names[:r % len(names)]  # rotate order
                for name in names:
                    res = run(engines[name](t))
                    res.setdefault("engine", "gradus")
                    res["round"] = r
                    log.write(json.dumps(res) + "\n")
                    log.flush()
                    runs.setdefault((t, name), []).append(res)
                    print(f"round {r + 1}/{a.rounds} cnn {t}t {name}: {res['us_per_step']} "
                          f"µs/step, foreign load {res['foreign_load']}", file=sys.stderr)

    best = {k: min(v, key=lambda x: x["us_per_step"]) for k, v in runs.items()}
    print("| workload | threads | gradus µs/step | PyTorch µs/step | speed-up | target | met "
          "| foreign load |")
    print("|---|---|---|---|---|---|---|---|")
    all_met = True
    for t in TARGETS:
        g, p_ = best[(t, "gradus")], best[(t, "pytorch")]
        ratio = p_["us_per_step"] / g["us_per_step"]
        met = ratio >= TARGETS[t]
        all_met &= met
        load = max(g["foreign_load"], p_["foreign_load"])
        print(f"| cnn | {t} | {g['us_per_step']:.1f} | {p_['us_per_step']:.1f} | {ratio:.2f}× "
              f"| ≥ {TARGETS[t]}× | {'yes' if met else 'NO'} | {load:.2f} |")
    spread = [statistics.median(x["us_per_step"] for x in v) / min(x["us_per_step"] for x in v)
              for v in runs.values()]
    print(f"\nbest of {a.rounds} rounds per engine; median/best across rounds up to "
          f"{max(spread):.2f}; foreign load = other processes' CPU use during the run, in cores")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
