"""Regret and cost tables of gradus's GP against Optuna 5's GPSampler and gradus's TPE.

Usage: compare_gp.py GRADUS_GP.jsonl OPTUNA_GP.jsonl [GRADUS_TPE.jsonl]
Per function: median regret over the seeds, Mann-Whitney U p-values (one-sided "gradus GP
worse than Optuna GP", and "gradus GP better than gradus TPE"), and the mean ms per suggestion
of both GP implementations with their ratio.
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
                runs.setdefault(r["function"], []).append(r)
    return runs


def main():
    g, o = load(sys.argv[1]), load(sys.argv[2])
    t = load(sys.argv[3]) if len(sys.argv) > 3 else {}
    print(f"{'function':<18} {'n':>3} {'gradus GP':>11} {'optuna GP':>11} {'p(worse)':>9} "
          f"{'gradus TPE':>11} {'p(GP<TPE)':>9} {'ms gradus':>10} {'ms optuna':>10} {'ratio':>7}")
    for name in g:
        if name not in o:
            continue
        a = [r["regret"] for r in g[name]]
        b = [r["regret"] for r in o[name]]
        p_worse = mannwhitneyu(a, b, alternative="greater").pvalue if len(a) > 1 and len(b) > 1 else float("nan")
        tpe = [r["regret"] for r in t.get(name, [])]
        p_tpe = mannwhitneyu(a, tpe, alternative="less").pvalue if len(tpe) > 1 and len(a) > 1 else float("nan")
        ms_g = statistics.mean(r["ms_per_suggestion"] for r in g[name])
        ms_o = statistics.mean(r["ms_per_suggestion"] for r in o[name])
        med_t = statistics.median(tpe) if tpe else float("nan")
        print(f"{name:<18} {len(a):>3} {statistics.median(a):>11.4g} {statistics.median(b):>11.4g} {p_worse:>9.3g} "
              f"{med_t:>11.4g} {p_tpe:>9.3g} {ms_g:>10.2f} {ms_o:>10.1f} {ms_o / ms_g:>7.1f}")


if __name__ == "__main__":
    main()
