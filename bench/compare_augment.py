"""Runs the `augment-flow` workload in gradus and Keras 3 and prints the comparison table.

Driven by bench/compare-keras-augment.sh (which creates the venv and builds gradus-bench):

    python bench/compare_augment.py --gradus-bin target/release/gradus-bench [--rounds 3]

ImageDataGenerator.flow with the course's augmentation on 64 random 256x256x3 images in
batches of 32 (bench/src/augment_flow.rs, bench/keras_augment.py). gradus runs with 1 and 2
threads, Keras in its one thread; the engines are interleaved for several rounds and each
keeps its fastest round. The target, at least 2x Keras's images per second, applies to
gradus on one thread (the like-for-like comparison); the two-thread row shows the parallel
gain. "foreign load" is the CPU time other processes used meanwhile, in cores (see
compare_mlp.py). All JSON lines go to --out; the exit status is 1 when the target is missed.
"""

import argparse
import json
import os
import statistics
import sys

from compare_mlp import run

TARGET = 2.0
HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gradus-bin", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    engines = {
        "gradus-1t": [a.gradus_bin, "augment-flow", "--threads", "1", "--epochs", str(a.epochs)],
        "gradus-2t": [a.gradus_bin, "augment-flow", "--threads", "2", "--epochs", str(a.epochs)],
        "keras": [sys.executable, os.path.join(HERE, "keras_augment.py"),
                  "--epochs", str(max(1, a.epochs // 2))],
    }
    runs = {}
    with open(a.out, "a") as log:
        for r in range(a.rounds):
            names = list(engines)
            names = names[r % len(names):] + names[:r % len(names)]  # rotate the order
            for name in names:
                res = run(engines[name])
                res["round"] = r
                log.write(json.dumps(res) + "\n")
                log.flush()
                runs.setdefault(name, []).append(res)
                print(f"round {r + 1}/{a.rounds} {name}: {res['images_per_s']:.1f} images/s, "
                      f"foreign load {res['foreign_load']}", file=sys.stderr)

    best = {k: max(v, key=lambda x: x["images_per_s"]) for k, v in runs.items()}
    keras = best["keras"]
    print("| engine | threads | images/s | ms per 64 images | vs Keras | target | met "
          "| foreign load |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| Keras {keras.get('keras', '')} | 1 | {keras['images_per_s']:.1f} | "
          f"{keras['median_ms_per_epoch']:.1f} | 1.00× | | | {keras['foreign_load']:.2f} |")
    met = True
    for name in ("gradus-1t", "gradus-2t"):
        g = best[name]
        ratio = g["images_per_s"] / keras["images_per_s"]
        target = name == "gradus-1t"
        met &= ratio >= TARGET or not target
        print(f"| gradus | {g['threads']} | {g['images_per_s']:.1f} | "
              f"{g['median_ms_per_epoch']:.1f} | {ratio:.2f}× | "
              f"{f'≥ {TARGET}×' if target else ''} | "
              f"{('yes' if ratio >= TARGET else 'NO') if target else ''} | "
              f"{max(g['foreign_load'], keras['foreign_load']):.2f} |")
    spread = [max(x["images_per_s"] for x in v) / statistics.median(x["images_per_s"] for x in v)
              for v in runs.values()]
    print(f"\nbest of {a.rounds} rounds per engine; best/median across rounds up to "
          f"{max(spread):.2f}; foreign load = other processes' CPU use during the run, in cores")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
