"""The `augment-flow` workload in Keras 3: images per second out of
ImageDataGenerator.flow with the course's augmentation, on 64 random 256x256x3 images in
batches of 32 (see bench/src/augment_flow.rs for gradus's side).

    KERAS_BACKEND=jax .venv-keras/bin/python keras_augment.py [--images 64] [--epochs 5]

Prints one JSON line. One epoch is every batch of a pass (`flow[i]`, Keras's PyDataset
path that `fit` uses); a warm-up epoch, then the median of the measured epochs. Keras's
generator runs in the calling thread (NumPy and SciPy's ndimage are single-threaded here).
"""

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras.src.legacy.preprocessing.image import ImageDataGenerator  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--images", type=int, default=64)
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=5)
    args = p.parse_args()

    rng = np.random.default_rng(0)
    x = (rng.random((args.images, args.size, args.size, 3)) * 255).astype(np.float32)
    y = (np.arange(args.images) % 10).astype(np.float32)
    gen = ImageDataGenerator(
        rotation_range=20,
        width_shift_range=0.2,
        height_shift_range=0.2,
        shear_range=0.2,
        zoom_range=0.2,
        horizontal_flip=True,
        fill_mode="nearest",
    )
    flow = gen.flow(x, y, batch_size=args.batch_size, shuffle=True, seed=0)
    times, checksum = [], 0.0
    for epoch in range(args.epochs + 1):
        start = time.perf_counter()
        for i in range(len(flow)):
            bx, _ = flow[i]
            checksum += float(bx[0, 0, 0, 0])
        flow.on_epoch_end()
        if epoch > 0:
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(
        json.dumps(
            dict(
                workload="augment_flow",
                engine="keras",
                keras=keras.__version__,
                images=args.images,
                height=args.size,
                width=args.size,
                channels=3,
                batch_size=args.batch_size,
                threads=1,
                epochs=args.epochs,
                median_ms_per_epoch=median * 1e3,
                images_per_s=args.images / median,
                checksum=checksum,
            )
        )
    )


if __name__ == "__main__":
    main()
