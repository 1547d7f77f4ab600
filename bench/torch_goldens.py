"""Golden values for gradus's image layers from PyTorch (CPU, float32).

Run from the repository root with any Python 3:

    python3 bench/torch_goldens.py [--out crates/nn/tests/goldens/conv_pool.json]

Without torch importable, the script creates bench/.venv-torch (torch and numpy from
PyPI, as bench/compare-pytorch.sh does) and re-runs itself there. It writes (or prints,
with --out -) random NHWC cases and PyTorch's answers:

- conv2d: `torch.nn.functional.conv2d` on the NCHW transpose of x with the kernel
  transposed from Keras's [kh, kw, c_in, filters] to PyTorch's [filters, c_in, kh, kw];
  the output transposed back to NHWC. Also the gradients of L = sum(w * y) with respect to
  x, the kernel and the bias (autograd), for a random w.
- max_pool2d: `torch.nn.functional.max_pool2d`, with the gradient of L = sum(w * y).
- avg_pool2d: `torch.nn.functional.avg_pool2d` with divisor_override=1 (window sums) on
  x and on ones, divided: the mean over the pixels inside the image, as Keras does.

Keras's "same" padding maps to an explicit `F.pad` before an unpadded PyTorch call: per
axis out = ceil(in / stride), total = max((out - 1) * stride + (k - 1) * dilation + 1 - in,
0), total // 2 before (top / left) and the rest after (bottom / right) — TensorFlow puts
the odd pixel after, which PyTorch's symmetric `padding=` cannot express. Convolution
pads with 0, max pooling with -inf (padding never wins), average pooling with 0 and
divides by the count of real pixels.
"""

import argparse
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv-torch")


def ensure_torch():
    """Re-runs this script in bench/.venv-torch (created on first use) unless torch imports."""
    try:
        import torch  # noqa: F401
        import numpy  # noqa: F401
        return
    except ImportError:
        pass
    python = os.path.join(VENV, "bin", "python")
    if os.path.abspath(sys.executable) == os.path.abspath(python):
        sys.exit("torch is not importable in bench/.venv-torch")
    check = subprocess.run([python, "-c", "import torch, numpy"], capture_output=True) \
        if os.path.exists(python) else None
    if check is None or check.returncode != 0:
        print(f"creating {VENV} (torch, numpy from PyPI) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        pip = os.path.join(VENV, "bin", "pip")
        subprocess.run([pip, "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([pip, "install", "--quiet", "torch", "numpy"], check=True)
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


def same_pads(size, k, s, d):
    """TensorFlow's 'same' padding of one axis: (before, after)."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def pads(shape_hw, k, s, d, padding):
    """F.pad's (left, right, top, bottom) for NCHW."""
    if padding == "valid":
        return (0, 0, 0, 0)
    top, bottom = same_pads(shape_hw[0], k[0], s[0], d[0])
    left, right = same_pads(shape_hw[1], k[1], s[1], d[1])
    return (left, right, top, bottom)


def flat(t):
    """The values, row-major, with 9 significant digits (enough to round-trip f32)."""
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def main():
    ensure_torch()
    import numpy as np
    import torch
    import torch.nn.functional as F

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="crates/nn/tests/goldens/conv_pool.json",
                   help="output file, or - for stdout")
    a = p.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(20261207)

    def normal(*shape):
        return rng.standard_normal(shape, dtype=np.float32)

    def nchw(x):
        return torch.from_numpy(x).permute(0, 3, 1, 2)

    def nhwc(t):
        return t.permute(0, 2, 3, 1)

    conv_cases = [
        # (x shape NHWC, filters, kernel, strides, padding, dilation)
        ((2, 6, 7, 1), 4, (3, 3), (1, 1), "valid", (1, 1)),
        ((2, 5, 6, 3), 2, (3, 3), (1, 1), "same", (1, 1)),
        ((1, 5, 6, 3), 3, (2, 2), (2, 2), "same", (1, 1)),
        ((2, 6, 6, 1), 2, (3, 3), (2, 2), "same", (1, 1)),
        ((1, 7, 8, 3), 2, (3, 3), (2, 2), "valid", (1, 1)),
        ((1, 7, 7, 2), 3, (3, 3), (1, 1), "same", (2, 2)),
        ((2, 5, 7, 3), 2, (2, 3), (1, 2), "valid", (1, 1)),
        ((1, 4, 4, 2), 2, (4, 4), (1, 1), "same", (1, 1)),
    ]
    convs = []
    for shape, filters, k, s, padding, d in conv_cases:
        x = normal(*shape)
        kernel = normal(k[0], k[1], shape[3], filters)
        bias = normal(filters)
        xt = nchw(x).clone().requires_grad_(True)
        wt = torch.from_numpy(kernel).permute(3, 2, 0, 1).clone().requires_grad_(True)
        bt = torch.from_numpy(bias).clone().requires_grad_(True)
        pad = pads(shape[1:3], k, s, d, padding)
        y = nhwc(F.conv2d(F.pad(xt, pad), wt, bt, stride=s, dilation=d))
        w = normal(*y.shape)
        (y * torch.from_numpy(w)).sum().backward()
        convs.append({
            "x_shape": list(shape), "x": flat(torch.from_numpy(x)),
            "filters": filters, "kernel_size": list(k), "strides": list(s),
            "padding": padding, "dilation_rate": list(d), "torch_pad_lrtb": list(pad),
            "kernel": flat(torch.from_numpy(kernel)), "bias": flat(bt),
            "y_shape": list(y.shape), "y": flat(y), "w": flat(torch.from_numpy(w)),
            "dx": flat(nhwc(xt.grad)), "dkernel": flat(wt.grad.permute(2, 3, 1, 0)),
            "dbias": flat(bt.grad),
        })

    pool_cases = [
        # (x shape NHWC, pool, strides, padding)
        ((2, 6, 7, 3), (2, 2), (2, 2), "valid"),
        ((1, 7, 6, 2), (3, 3), (2, 2), "same"),
        ((1, 4, 5, 2), (2, 2), (1, 1), "valid"),
        ((2, 5, 5, 1), (2, 3), (2, 1), "same"),
        ((1, 5, 6, 4), (2, 2), (2, 2), "same"),
    ]
    maxes, avgs = [], []
    for shape, k, s, padding in pool_cases:
        x = normal(*shape)
        pad = pads(shape[1:3], k, s, (1, 1), padding)
        xt = nchw(x).clone().requires_grad_(True)
        y = nhwc(F.max_pool2d(F.pad(xt, pad, value=-math.inf), k, s))
        w = normal(*y.shape)
        (y * torch.from_numpy(w)).sum().backward()
        case = {"x_shape": list(shape), "x": flat(torch.from_numpy(x)), "pool_size": list(k),
                "strides": list(s), "padding": padding, "torch_pad_lrtb": list(pad),
                "y_shape": list(y.shape), "y": flat(y), "w": flat(torch.from_numpy(w)),
                "dx": flat(nhwc(xt.grad))}
        maxes.append(case)
        xt = nchw(x).clone().requires_grad_(True)
        sums = F.avg_pool2d(F.pad(xt, pad), k, s, divisor_override=1)
        counts = F.avg_pool2d(F.pad(torch.ones_like(xt), pad), k, s, divisor_override=1)
        y = nhwc(sums / counts)
        (y * torch.from_numpy(w)).sum().backward()
        avgs.append(dict(case, y=flat(y), dx=flat(nhwc(xt.grad))))

    doc = {
        "generator": "bench/torch_goldens.py",
        "torch": torch.__version__,
        "conv2d": convs,
        "max_pool2d": maxes,
        "avg_pool2d": avgs,
    }
    text = json.dumps(doc, indent=None, separators=(",", ":"))
    if a.out == "-":
        print(text)
    else:
        os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
        with open(a.out, "w") as f:
            f.write(text + "\n")
        print(f"wrote {a.out} ({len(convs)} conv2d, {len(maxes)} max_pool2d, "
              f"{len(avgs)} avg_pool2d cases)", file=sys.stderr)


if __name__ == "__main__":
    main()
