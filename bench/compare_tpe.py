"""Prints the regret tables of gradus and Optuna from the JSON lines of both runs.

Usage: compare_tpe.py GRADUS.jsonl OPTUNA.jsonl [GRADUS_LATENCY.json OPTUNA_LATENCY.json]
For each function: median regret (best - global minimum) over the seeds for both, and the
Mann-Whitney U p-values (two-sided, and one-sided for "gradus regret larger than Optuna's").
"""

import json
import statistics
import sys

from scipy.stats import mannwhitneyu


def load(path):
    runs = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                if "function" in r:
                    runs.setdefault(r["function"], []).append(r["regret"])
    return runs


def main():
    g, o = load(sys.argv[1]), load(sys.argv[2])
    print(f"{'function':<18} {'n':>3} {'gradus median':>14} {'optuna median':>14} {'p (2-sided)':>11} {'p (gradus worse)':>16}  better")
    at_or_below = 0
    worse = []
    for name in g:
        if name not in o:
            continue
        a, b = g[name], o[name]
        ma, mb = statistics.median(a), statistics.median(b)
        p2 = mannwhitneyu(a, b, alternative="two-sided").pvalue
        p1 = mannwhitneyu(a, b, alternative="greater").pvalue
        at_or_below += ma <= mb
        if p1 < 0.05:
            worse.append(name)
        print(f"{name:<18} {len(a):>3} {ma:>14.6g} {mb:>14.6g} {p2:>11.3g} {p1:>16.3g}  {'gradus' if ma <= mb else 'optuna'}")
    print(f"gradus median at or below Optuna's on {at_or_below} of {len(g)}; significantly worse (p<0.05) on: {worse or 'none'}")
    for path in sys.argv[3:]:
        with open(path) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    cpu = r.get("cpu_ms_per_suggestion")
                    cpu = f", CPU {cpu:.3f} ms" if cpu is not None else ""
                    print(f"latency {r.get('peer', 'gradus')}: {r['mean_ms_per_suggestion']:.3f} ms per suggestion{cpu} "
                          f"({r['trials']} trials, {r['dim']} dims, last 10%)")


if __name__ == "__main__":
    main()
