"""Golden images: Keras 3's ImageDataGenerator geometry and value transforms.

Run from bench/ (creates nothing but the files under keras_goldens/augment/):
    python3 -m venv .venv-keras && .venv-keras/bin/pip install keras "jax[cpu]" scipy numpy pillow
    KERAS_BACKEND=jax .venv-keras/bin/python keras_goldens/augment.py

Writes keras_goldens/augment/:
  input.npy        16x16x3 float32 in [0, 1), the image every case transforms
  outputs.npy      [cases, 16, 16, 3] float32, one Keras result per case
  cases.json       the cases in order: parameters, fill mode, cval, order, and the
                   smallest distance of any sampled position from a discontinuity of the
                   fill mode (so a golden never hinges on the last bit of rounding)
  brightness.json  integer-valued 4x5x3 image brightened through Keras (PIL, uint8)
  standardize.json rescale + samplewise + featurewise standardization after `fit`

Keras 3 keeps ImageDataGenerator and apply_affine_transform in
keras/src/legacy/preprocessing/image.py (not exported as keras.preprocessing); they call
scipy.ndimage's affine_transform once per channel.
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import keras  # noqa: E402
from keras.src.legacy.preprocessing import image as kimg  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "augment")
os.makedirs(OUT, exist_ok=True)

rng = np.random.default_rng(7)
x = rng.random((16, 16, 3), dtype=np.float32)

# Record the pull map Keras hands to SciPy, to measure how far the sampled positions are
# from the fill mode's discontinuities.
_affine = scipy.ndimage.affine_transform
_seen = []


def _recording(inp, matrix, offset, **kw):
    _seen.append((np.array(matrix), np.array(offset), inp.shape))
    return _affine(inp, matrix, offset, **kw)


kimg.scipy.ndimage.interpolation.affine_transform = _recording


def margin(mode, order):
    """Smallest distance of a sampled position from a point where the result jumps."""
    if not _seen:
        return None
    matrix, offset, shape = _seen[-1]
    rr, cc = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), indexing="ij")
    pos = np.stack([rr, cc]).reshape(2, -1).astype(np.float64)
    p = matrix @ pos + offset[:, None]
    if order == 0:
        d = np.abs(p - 0.5 - np.round(p - 0.5))  # ties at half-integers
    elif mode in ("constant", "wrap"):
        d = np.abs(p - np.round(p))  # edges / period boundaries at integers
    else:
        return None  # continuous
    return float(d.min())


GEOMETRY = {
    "rotation": dict(theta=31.7),
    "shift": dict(tx=2.37, ty=-3.61),
    "shear": dict(shear=23.3),
    "zoom": dict(zx=0.83, zy=1.27),
    "combined": dict(theta=-17.3, tx=1.73, ty=-2.21, shear=12.7, zx=1.13, zy=0.91),
    "far": dict(theta=143.1, tx=-21.3, ty=17.9, zx=2.71, zy=0.37),
}
MODES = {"constant": 0.3, "nearest": 0.0, "reflect": 0.0, "wrap": 0.0}

cases, outputs = [], []


def record(name, params, mode, cval, order, out):
    m = margin(mode, order)
    assert m is None or m > 1e-6, f"{name}/{mode}/{order}: a position lies {m} from a jump"
    cases.append(
        dict(name=name, params=params, fill_mode=mode, cval=cval, order=order, margin=m)
    )
    outputs.append(np.asarray(out, dtype=np.float32))


for order, names in ((1, list(GEOMETRY)), (0, ["rotation", "combined"])):
    for mode, cval in MODES.items():
        for name in names:
            p = GEOMETRY[name]
            _seen.clear()
            out = kimg.apply_affine_transform(
                x, **p, row_axis=0, col_axis=1, channel_axis=2,
                fill_mode=mode, cval=cval, order=order,
            )
            record(name, p, mode, cval, order, out)

# The generator's apply_transform: warp, channel shift, flips (in Keras's order).
GENERATOR = {
    "flip_h_combined": dict(GEOMETRY["combined"], flip_horizontal=True),
    "flip_v_shift_rotation": dict(
        GEOMETRY["rotation"], flip_vertical=True, channel_shift_intensity=0.17
    ),
    "flips_only": dict(flip_horizontal=True, flip_vertical=True),
    "channel_shift_only": dict(channel_shift_intensity=-0.23),
}
for mode, cval in (("reflect", 0.0), ("constant", 0.3)):
    gen = kimg.ImageDataGenerator(fill_mode=mode, cval=cval, interpolation_order=1)
    for name, p in GENERATOR.items():
        _seen.clear()
        out = gen.apply_transform(x.copy(), p)
        record(name, p, mode, cval, 1, out)

np.save(os.path.join(OUT, "input.npy"), x)
np.save(os.path.join(OUT, "outputs.npy"), np.stack(outputs))
with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(dict(keras=keras.__version__, scipy=scipy.__version__, cases=cases), f, indent=1)

# Brightness goes through PIL on uint8: integer inputs in 0..255 come back as
# clip(round(x * b), 0, 255) — what gradus computes without the rounding.
b_in = np.floor(rng.random((4, 5, 3)) * 256).astype(np.float32)
gen = kimg.ImageDataGenerator()
bright = {
    str(b): gen.apply_transform(b_in.copy(), dict(brightness=b)).ravel().tolist()
    for b in (0.61, 1.37)
}
with open(os.path.join(OUT, "brightness.json"), "w") as f:
    json.dump(dict(shape=list(b_in.shape), input=b_in.ravel().tolist(), outputs=bright), f)

# Standardization: fit on a batch (rescale first), then standardize each image.
batch = (rng.random((5, 6, 7, 3)) * 255).astype(np.float32)
gen = kimg.ImageDataGenerator(
    featurewise_center=True,
    featurewise_std_normalization=True,
    samplewise_center=True,
    samplewise_std_normalization=True,
    rescale=1 / 255,
)
gen.fit(batch)
std_out = np.stack([gen.standardize(batch[i].copy()) for i in range(len(batch))])
with open(os.path.join(OUT, "standardize.json"), "w") as f:
    json.dump(
        dict(
            shape=list(batch.shape),
            input=batch.ravel().tolist(),
            rescale=1 / 255,
            mean=np.ravel(gen.mean).tolist(),
            std=np.ravel(gen.std).tolist(),
            output=std_out.ravel().tolist(),
        ),
        f,
    )
print(f"{len(cases)} cases, keras {keras.__version__}, scipy {scipy.__version__}")
