"""Runs the `mlp` workloads in gradus and PyTorch and prints the comparison table.

Driven by bench/compare-pytorch.sh (which creates the venv and builds gradus-bench):

    python bench/compare_mlp.py --gradus-bin target/release/gradus-bench [--rounds 3]

Every (workload, threads) pair runs in gradus, in PyTorch with its default Adam and in
PyTorch with Adam(fused=True), interleaved, for several rounds; each engine keeps its
fastest round (the one least disturbed by other work on the machine). For each run the
CPU time that *other* processes used meanwhile is measured from /proc/stat and reported as
"foreign load" (0 = the machine was otherwise idle, 1 = one core was busy elsewhere): a
comparison is only meaningful when that is near 0, because PyTorch's OpenMP threads lose
much more than gradus's to a busy machine.

All JSON lines (gradus-bench's and bench/pytorch_mlp.py's, plus the foreign load) go to
--out. The exit status is 1 when a target is missed.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# Minimum speed-up over PyTorch's default Adam, per (workload, threads).
TARGETS = {("w1", 1): 10.0, ("w1", 2): 10.0, ("w2", 1): 1.3, ("w2", 2): 1.2}
HERE = os.path.dirname(os.path.abspath(__file__))


def busy_jiffies():
    """Non-idle CPU time of the whole machine, in clock ticks."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields[:8]) - idle


def run(cmd):
    """Runs cmd; returns its JSON line with the foreign load added."""
    tick = os.sysconf("SC_CLK_TCK")
    before, start = busy_jiffies(), time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall, busy = time.perf_counter() - start, (busy_jiffies() - before) / tick
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(cmd)}")
    own = usage.ru_utime + usage.ru_stime
    result = json.loads(out.strip().splitlines()[-1])
    result["foreign_load"] = round(max(busy - own, 0.0) / wall, 2)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gradus-bin", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=7)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    engines = {
        "gradus": lambda w, t: [a.gradus_bin, "mlp", "--workload", w, "--threads", str(t),
                                "--epochs", str(a.epochs)],
    }
    for adam in ("default", "fused"):
        engines[f"pytorch-{adam}"] = lambda w, t, adam=adam: [
            sys.executable, os.path.join(HERE, "pytorch_mlp.py"), "--workload", w,
            "--threads", str(t), "--epochs", str(a.epochs), "--adam", adam]

    runs = {}
    with open(a.out, "a") as log:
        for r in range(a.rounds):
            for w in ("w1", "w2"):
                for t in (1, 2):
                    names = list(engines)
                    names = names[r % len(names):] + names[:r % len(names)]  # rotate order
                    for name in names:
                        res = run(engines[name](w, t))
                        res.setdefault("engine", "gradus")
                        res["round"] = r
                        log.write(json.dumps(res) + "\n")
                        log.flush()
                        runs.setdefault((w, t, name), []).append(res)
                        print(f"round {r + 1}/{a.rounds} {w} {t}t {name}: "
                              f"{res['us_per_step']} µs/step, foreign load "
                              f"{res['foreign_load']}", file=sys.stderr)

    best = {k: min(v, key=lambda x: x["us_per_step"]) for k, v in runs.items()}
    print("| workload | threads | gradus µs/step | PyTorch µs/step | PyTorch fused-Adam µs/step "
          "| speed-up | vs fused | target | met | foreign load |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    all_met = True
    for w, t in sorted({(w, t) for w, t, _ in best}):
        g, p_, f = (best[(w, t, n)] for n in ("gradus", "pytorch-default", "pytorch-fused"))
        ratio, ratio_f = p_["us_per_step"] / g["us_per_step"], f["us_per_step"] / g["us_per_step"]
        met = ratio >= TARGETS[(w, t)]
        all_met &= met
        load = max(x["foreign_load"] for x in (g, p_, f))
        print(f"| {w} | {t} | {g['us_per_step']:.1f} | {p_['us_per_step']:.1f} | "
              f"{f['us_per_step']:.1f} | {ratio:.2f}× | {ratio_f:.2f}× | "
              f"≥ {TARGETS[(w, t)]}× | {'yes' if met else 'NO'} | {load:.2f} |")
    spread = [statistics.median(x["us_per_step"] for x in v) / min(x["us_per_step"] for x in v)
              for v in runs.values()]
    print(f"\nbest of {a.rounds} rounds per engine; median/best across rounds up to "
          f"{max(spread):.2f}; foreign load = other processes' CPU use during the run, in cores")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
