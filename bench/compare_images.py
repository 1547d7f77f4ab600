"""Image-folder loading speed, gradus against Keras: one pass of `flow_from_directory` over
the same folder of JPEGs (list, read, decode, convert to RGB, resize to 224 × 224, batch).

Driven by bench/compare-images.sh (which creates the venv and builds gradus-bench):

    KERAS_BACKEND=jax python bench/compare_images.py --gradus-bin target/release/gradus-bench

The folder (2 classes × --per-class JPEGs of 640 × 427 and 480 × 320, re-encoded from the
bundled photographs with shifts and flips so that no two files are alike) is made once
under bench/results/image-folder/. Keras iterates its `DirectoryIterator` (the work of one
epoch of `fit` on it: Keras loads a batch's images one after another in the calling
thread); gradus-bench iterates `ImageFolder` with 1 and 2 decoding threads. Engines are
interleaved for --rounds rounds and each keeps its fastest; the table gives images per
second and gradus's speed-up (Keras seconds ÷ gradus seconds), with the CPU time other
processes used meanwhile ("foreign load", 0 = idle machine).
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

HERE = os.path.dirname(os.path.abspath(__file__))
PHOTOS = os.path.join(HERE, "..", "examples", "data", "images")


def busy_jiffies():
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return sum(fields[:8]) - fields[3] - fields[4]


def make_folder(root, per_class):
    from PIL import Image, ImageOps

    done = os.path.join(root, f".complete-{per_class}")
    if os.path.exists(done):
        return
    for k, name in enumerate(["china", "flower"]):
        src = Image.open(os.path.join(PHOTOS, f"{name}.jpg")).convert("RGB")
        out = os.path.join(root, name)
        os.makedirs(out, exist_ok=True)
        for i in range(per_class):
            img = src if i % 2 == 0 else ImageOps.mirror(src)
            img = img.rotate(0, translate=(i % 17 - 8, i % 11 - 5))
            if i % 3 == 2:
                img = img.resize((480, 320))
            img.save(os.path.join(out, f"{i:04d}.jpg"), quality=90)
    open(done, "w").close()


def keras_pass(root, target, batch, interpolation):
    from keras.src.legacy.preprocessing.image import ImageDataGenerator

    with contextlib.redirect_stdout(sys.stderr):
        it = ImageDataGenerator().flow_from_directory(
            root, target_size=target, batch_size=batch, interpolation=interpolation, seed=0
        )
    start = time.perf_counter()
    checksum = 0.0
    for b in range(len(it)):
        x, _ = it[b]
        checksum += float(x[0, 0, 0, 0])
    seconds = time.perf_counter() - start
    return {
        "workload": "image_folder",
        "engine": "keras",
        "images": it.samples,
        "threads": 1,
        "seconds_per_pass": seconds,
        "images_per_second": it.samples / seconds,
        "checksum": checksum,
    }


def measured(fn):
    tick = os.sysconf("SC_CLK_TCK")
    t0, b0, r0 = time.perf_counter(), busy_jiffies(), os.times()
    result = fn()
    wall = time.perf_counter() - t0
    r1 = os.times()
    own = (r1.user - r0.user) + (r1.system - r0.system)
    own += (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
    busy = (busy_jiffies() - b0) / tick
    result["foreign_load"] = round(max(busy - own, 0.0) / wall, 2)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gradus-bin", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--per-class", type=int, default=100)
    p.add_argument("--interpolation", default="nearest", choices=["nearest", "bilinear"])
    p.add_argument("--out", required=True)
    args = p.parse_args()
    root = os.path.join(HERE, "results", "image-folder")
    make_folder(root, args.per_class)
    target, batch = (224, 224), 32

    def gradus(threads):
        cmd = [
            args.gradus_bin, "image-folder", "--dir", root, "--target", "224", "224",
            "--batch", str(batch), "--interpolation", args.interpolation,
            "--threads", str(threads), "--passes", "1",
        ]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    best = {}
    with open(args.out, "w") as log:
        for _ in range(args.rounds):
            for key, fn in [
                ("keras", lambda: keras_pass(root, target, batch, args.interpolation)),
                ("gradus-1", lambda: gradus(1)),
                ("gradus-2", lambda: gradus(2)),
            ]:
                r = measured(fn)
                log.write(json.dumps(r) + "\n")
                if key not in best or r["seconds_per_pass"] < best[key]["seconds_per_pass"]:
                    best[key] = r
    keras_s = best["keras"]["seconds_per_pass"]
    print(f"{best['keras']['images']} JPEGs -> 224 x 224 {args.interpolation}, batch {batch}")
    print(f"{'engine':<12}{'images/s':>10}{'s/pass':>9}{'speed-up':>10}{'foreign':>9}")
    for key in ["keras", "gradus-1", "gradus-2"]:
        r = best[key]
        print(
            f"{key:<12}{r['images_per_second']:>10.1f}{r['seconds_per_pass']:>9.3f}"
            f"{keras_s / r['seconds_per_pass']:>10.2f}{r['foreign_load']:>9.2f}"
        )


if __name__ == "__main__":
    main()
