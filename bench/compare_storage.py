"""Prints the storage comparison table from the JSON lines of compare-storage.sh.

Usage: compare_storage.py RESULTS.jsonl
Lines with "library": "optuna" are Optuna's; the others gradus-bench's. One row per
backend and trial count: mean ms per trial (ask + 5 suggestions + tell, last 10%) of both
and Optuna's time over gradus's; then gradus's growth from the smallest to the largest count.
"""

import json
import sys


def main():
    runs = {}
    with open(sys.argv[1]) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                lib = r.get("library", "gradus")
                runs[(r["backend"], r["trials"], lib)] = r["ms_per_trial"]
    keys = sorted({(b, n) for (b, n, _) in runs}, key=lambda k: (["memory", "sqlite", "postgres"].index(k[0]), k[1]))
    print(f"{'backend':<9} {'trials':>7} {'gradus ms/trial':>16} {'optuna ms/trial':>16} {'optuna / gradus':>16}")
    for b, n in keys:
        g, o = runs.get((b, n, "gradus")), runs.get((b, n, "optuna"))
        gs = f"{g:.3f}" if g is not None else "-"
        os_ = f"{o:.3f}" if o is not None else "-"
        ratio = f"{o / g:.1f}x" if g and o else "-"
        print(f"{b:<9} {n:>7} {gs:>16} {os_:>16} {ratio:>16}")
    for b in ["memory", "sqlite", "postgres"]:
        sizes = sorted(n for (bb, n, lib) in runs if bb == b and lib == "gradus")
        if len(sizes) >= 2:
            lo, hi = runs[(b, sizes[0], "gradus")], runs[(b, sizes[-1], "gradus")]
            print(f"gradus {b}: {hi / lo:.2f}x the per-trial cost at {sizes[-1]} trials as at {sizes[0]}")


if __name__ == "__main__":
    main()
