"""Golden numbers: Keras 3 `load_img` / `img_to_array` / `array_to_img` (Pillow) and
`flow_from_directory` listings, for gradus-data's image tests.

Run (from bench/):
    python3 -m venv .venv-images && .venv-images/bin/pip install keras jax pillow numpy
    KERAS_BACKEND=jax .venv-images/bin/python image_goldens/keras_images.py \
        > image_goldens/keras_images.json

Versions used for the committed JSON: see "versions" in it.

Synthetic images are defined by formulas that the Rust tests repeat (`synthetic_rgb`,
`synthetic_rgba`); they are written as PNG (lossless) and loaded with Keras, so both sides
start from the same pixels. Resize outputs are hex strings of the 8-bit pixels (row-major,
interleaved), compared exactly. The bundled JPEGs are compared at sampled pixels with a
tolerance, since JPEG decoders may round the inverse DCT differently.
"""

import contextlib
import json
import os
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import PIL  # noqa: E402
from PIL import Image  # noqa: E402
from keras.src.legacy.preprocessing.image import ImageDataGenerator  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(HERE, "..", "..", "examples", "data", "images")


def synthetic_rgb(h, w):
    y, x = np.mgrid[0:h, 0:w]
    chans = [(x * 37 + y * 91 + c * 53 + (x * y) % 7 * 11) % 256 for c in range(3)]
    return np.stack(chans, axis=-1).astype(np.uint8)


def synthetic_rgba(h, w):
    rgb = synthetic_rgb(h, w)
    y, x = np.mgrid[0:h, 0:w]
    a = (x * 29 + y * 67) % 256
    a = np.where((x + y) % 5 == 0, 0, np.where((x + y) % 5 == 1, 255, a))
    return np.concatenate([rgb, a[..., None].astype(np.uint8)], axis=-1)


def hexbytes(arr):
    return np.asarray(arr, dtype=np.uint8).tobytes().hex()


def resize_cases(tmp):
    h, w = 9, 13
    rgb_path = os.path.join(tmp, "rgb.png")
    rgba_path = os.path.join(tmp, "rgba.png")
    Image.fromarray(synthetic_rgb(h, w), "RGB").save(rgb_path)
    Image.fromarray(synthetic_rgba(h, w), "RGBA").save(rgba_path)
    sizes = [(5, 7), (4, 3), (14, 17), (9, 13), (13, 9), (1, 1), (9, 5), (3, 13), (2, 11)]
    sources = [
        ("rgb", rgb_path, "rgb"),
        ("rgb", rgb_path, "grayscale"),
        ("rgba", rgba_path, "rgba"),
        ("rgba", rgba_path, "rgb"),
    ]
    cases = []
    for src, path, mode in sources:
        for interp in ["nearest", "bilinear"]:
            for keep in [False, True]:
                for size in sizes:
                    img = keras.utils.load_img(
                        path,
                        color_mode=mode,
                        target_size=size,
                        interpolation=interp,
                        keep_aspect_ratio=keep,
                    )
                    arr = keras.utils.img_to_array(img)
                    cases.append(
                        {
                            "source": src,
                            "color_mode": mode,
                            "interpolation": interp,
                            "keep_aspect_ratio": keep,
                            "target_size": list(size),
                            "shape": list(arr.shape),
                            "pixels": hexbytes(arr),
                        }
                    )
    return {"height": h, "width": w, "cases": cases}


def photo_samples():
    """Sampled pixels of the bundled JPEGs, whole and resized, in rgb and grayscale."""
    rng = np.random.default_rng(7)
    out = {}
    for name in ["china", "flower"]:
        path = os.path.join(IMAGES, f"{name}.jpg")
        entry = {}
        for label, kwargs in [
            ("rgb", {}),
            ("grayscale", {"color_mode": "grayscale"}),
            ("rgb_64x96_bilinear", {"target_size": (64, 96), "interpolation": "bilinear"}),
            (
                "rgb_50x50_nearest_keep",
                {"target_size": (50, 50), "keep_aspect_ratio": True},
            ),
        ]:
            arr = keras.utils.img_to_array(keras.utils.load_img(path, **kwargs))
            hh, ww, _ = arr.shape
            ys = rng.integers(0, hh, 40)
            xs = rng.integers(0, ww, 40)
            entry[label] = {
                "shape": list(arr.shape),
                "mean": [float(m) for m in arr.reshape(-1, arr.shape[2]).mean(axis=0)],
                "samples": [
                    {"y": int(y), "x": int(x), "value": [float(v) for v in arr[y, x]]}
                    for y, x in zip(ys, xs)
                ],
            }
        out[name] = entry
    return out


def min_max_case():
    h, w, c = 3, 4, 3
    i = np.arange(h * w * c, dtype=np.float32).reshape(h, w, c)
    x = (np.sin(i * 0.7) * 3.5 + 0.25).astype(np.float32)
    img = keras.utils.array_to_img(x, scale=True)
    return {
        "shape": [h, w, c],
        "values": [float(v) for v in x.reshape(-1)],
        "pixels": hexbytes(np.asarray(img)),
    }


# A folder tree: class folders with nested sub-folders whose path order differs from a
# component-wise order (`x-y` sorts before `x/z` as a string), names that differ in case,
# non-image files, and a file at the top level (not in any class).
TREE = [
    "ant/b.png", "ant/a.PNG", "ant/c.jpg", "ant/notes.txt", "ant/10.png", "ant/9.png",
    "ant/Z.png", "ant/.hidden.png", "ant/x/1.png", "ant/x-y/2.png", "ant/x/z/3.bmp",
    "ant/x/z/readme.md", "ant/x.y/4.jpeg",
    "Bee/m.png", "Bee/k.tif", "Bee/l.tiff", "Bee/j.ppm",
    "cat/only.png",
    "top.png",
]


def directory_cases(tmp):
    root = os.path.join(tmp, "tree")
    for rel in TREE:
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(b"not read by the listing")
    cases = []
    for split, subset, classes in [
        (0.0, None, None),
        (0.3, "training", None),
        (0.3, "validation", None),
        (0.5, "validation", ["cat", "ant"]),
        (0.5, "training", ["cat", "ant"]),
    ]:
        gen = ImageDataGenerator(validation_split=split)
        with contextlib.redirect_stdout(sys.stderr):  # "Found N images …"
            it = gen.flow_from_directory(
                root, classes=classes, subset=subset, target_size=(4, 4), shuffle=False
            )
        cases.append(
            {
                "validation_split": split,
                "subset": subset,
                "classes": classes,
                "class_indices": it.class_indices,
                "filenames": [f.replace(os.sep, "/") for f in it.filenames],
                "labels": [int(c) for c in it.classes],
            }
        )
    return {"tree": TREE, "cases": cases}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = {
            "versions": {
                "keras": keras.__version__,
                "pillow": PIL.__version__,
                "numpy": np.__version__,
            },
            "resize": resize_cases(tmp),
            "photos": photo_samples(),
            "array_to_img_scale": min_max_case(),
            "directory": directory_cases(tmp),
        }
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
