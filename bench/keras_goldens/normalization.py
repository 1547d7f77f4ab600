"""Golden numbers: Keras 3 `layers.Normalization` (axis=-1): adapt, call, invert.

Run (from bench/):
    python3 -m venv .venv-keras && .venv-keras/bin/pip install keras jax
    KERAS_BACKEND=jax .venv-keras/bin/python keras_goldens/normalization.py \
        > keras_goldens/normalization.json

Every float is a float32 written as the shortest decimal that reads back to the same
float32 (Python's repr of the widened value), so Rust parses the exact values.
Cases:
  adapt_2d: adapt on 32 x 5 data (a standard normal column, a column with mean 100 and
            spread 0.01, a constant column (variance 0: the epsilon path), a wide uniform
            column, small integers); then the layer on 6 new rows, with and without invert.
  adapt_4d: adapt on [4, 2, 2, 3] images (statistics per channel), then call.
  fixed:    Normalization(mean=3., variance=2.) (scalars broadcast) on 2 x 3 data.
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault(
    "XLA_FLAGS",
    "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
)

import numpy as np  # noqa: E402

import keras  # noqa: E402
from keras import layers  # noqa: E402

assert keras.backend.backend() == "jax"
F32 = np.float32


def f32list(a):
    return [float(v) for v in np.asarray(a, dtype=F32).ravel()]


rng = np.random.default_rng(20261127)
x = np.stack(
    [
        rng.standard_normal(32),
        100.0 + 0.01 * rng.standard_normal(32),
        np.full(32, 3.0),
        rng.uniform(-1e3, 1e3, 32),
        rng.integers(0, 5, 32),
    ],
    axis=1,
).astype(F32)
x_new = np.concatenate(
    [rng.standard_normal((5, 5)) * [1.0, 0.01, 1.0, 500.0, 2.0] + [0, 100, 3, 0, 2],
     [[0.0, 0.0, 3.0, 0.0, 0.0]]],
).astype(F32)

norm = layers.Normalization()
norm.adapt(x)
y = np.asarray(norm(x_new))
inv = layers.Normalization(
    mean=np.asarray(norm.mean).ravel(), variance=np.asarray(norm.variance).ravel(), invert=True
)
y_inv = np.asarray(inv(y))

img = rng.standard_normal((4, 2, 2, 3)).astype(F32) * F32(3.0) + F32(1.0)
norm4 = layers.Normalization()
norm4.adapt(img)
y4 = np.asarray(norm4(img))

x_fixed = np.array([[1.0, 3.0, 5.0], [-2.0, 0.5, 10.0]], dtype=F32)
fixed = layers.Normalization(mean=3.0, variance=2.0)
y_fixed = np.asarray(fixed(x_fixed))

out = {
    "keras": keras.__version__,
    "epsilon": keras.backend.epsilon(),
    "adapt_2d": {
        "x": f32list(x),
        "shape": list(x.shape),
        "mean": f32list(norm.mean),
        "variance": f32list(norm.variance),
        "x_new": f32list(x_new),
        "new_shape": list(x_new.shape),
        "y": f32list(y),
        "y_invert": f32list(y_inv),
    },
    "adapt_4d": {
        "x": f32list(img),
        "shape": list(img.shape),
        "mean": f32list(norm4.mean),
        "variance": f32list(norm4.variance),
        "y": f32list(y4),
    },
    "fixed": {
        "x": f32list(x_fixed),
        "shape": list(x_fixed.shape),
        "y": f32list(y_fixed),
    },
}
print(json.dumps(out, indent=1))
