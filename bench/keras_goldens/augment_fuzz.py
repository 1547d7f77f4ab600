"""Random cases through `gradus-bench augment --keras-compat` and Keras 3's
apply_affine_transform side by side: any shape (square or not), fill mode, order, cval and
parameters. Prints the worst per-pixel difference per (fill mode, order) and exits 1 when
one exceeds --tol.

    cargo build --release -p gradus-bench
    KERAS_BACKEND=jax .venv-keras/bin/python keras_goldens/augment_fuzz.py \
        --gradus-bin ../target/release/gradus-bench [--cases 200] [--seed 0]

Random parameters keep every sampled position away from the fill modes' jumps with
probability ~1, so differences are rounding (~1e-7) unless the semantics differ.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
from keras.src.legacy.preprocessing import image as kimg  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gradus-bin", required=True)
    p.add_argument("--cases", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tol", type=float, default=1e-4)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    worst = {}
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.npy"), os.path.join(tmp, "out.npy")
        for case in range(args.cases):
            h, w, c = rng.integers(1, 24), rng.integers(1, 24), rng.integers(1, 5)
            x = rng.random((h, w, c), dtype=np.float32)
            np.save(src, x)
            mode = ["constant", "nearest", "reflect", "wrap"][case % 4]
            order = int(rng.integers(0, 2))
            params = dict(
                theta=float(rng.uniform(-180, 180)) if rng.random() < 0.7 else 0.0,
                tx=float(rng.uniform(-1.5, 1.5) * w) if rng.random() < 0.7 else 0.0,
                ty=float(rng.uniform(-1.5, 1.5) * h) if rng.random() < 0.7 else 0.0,
                shear=float(rng.uniform(-40, 40)) if rng.random() < 0.5 else 0.0,
                zx=float(rng.uniform(0.3, 2.5)) if rng.random() < 0.7 else 1.0,
                zy=float(rng.uniform(0.3, 2.5)) if rng.random() < 0.7 else 1.0,
            )
            cval = float(rng.uniform(-1, 1))
            want = kimg.apply_affine_transform(
                x, **params, row_axis=0, col_axis=1, channel_axis=2,
                fill_mode=mode, cval=cval, order=order,
            )
            cmd = [args.gradus_bin, "augment", "--input", src, "--output", dst,
                   "--fill-mode", mode, "--cval", repr(cval), "--order", str(order),
                   "--keras-compat"]
            for k, v in params.items():
                cmd += [f"--{k}", repr(v)]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            got = np.load(dst)
            assert got.shape == x.shape and got.dtype == np.float32, (got.shape, got.dtype)
            d = float(np.abs(got - want).max()) if x.size else 0.0
            key = (mode, order)
            if d > worst.get(key, (-1.0,))[0]:
                worst[key] = (d, dict(shape=[int(h), int(w), int(c)], cval=cval, **params))
    bad = False
    for (mode, order), (d, case) in sorted(worst.items()):
        flag = "  FAIL" if d > args.tol else ""
        bad |= d > args.tol
        print(f"{mode:8} order {order}: max |gradus - keras| = {d:.2e}{flag}")
        if d > args.tol:
            print("   ", json.dumps(case))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
