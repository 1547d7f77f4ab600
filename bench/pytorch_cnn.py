"""The `cnn` workload of gradus-bench (see bench/src/cnn.rs) in PyTorch on the CPU.

Prints one JSON line like the gradus binary:
{"engine": "pytorch", "workload": "cnn", "threads": 1, "us_per_step": ..., "final_loss": ...}

28x28x1 -> Conv2D 32 3x3 relu -> MaxPool 2 -> Conv2D 64 3x3 relu -> MaxPool 2 -> Flatten
-> Dense 10 (softmax in CrossEntropyLoss), Adam(1e-3), batch 64, 1024 rows per epoch.

Same data recipe as gradus (standard-normal images, the class is the arg-max of a fixed
random linear teacher), same loop: shuffle each epoch, gather each batch, forward, loss,
backward, Adam step. One warm-up epoch, then the median of the measured epochs divided by
the steps per epoch. PyTorch's default NCHW layout (the images are stored NCHW, so no
per-step transpose is charged to it).
"""

import argparse
import json
import statistics
import time

import numpy as np
import torch

ROWS, BATCH, SIDE, CLASSES = 1024, 64, 28, 10


def data(seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((ROWS, SIDE * SIDE), dtype=np.float32)
    teacher = rng.standard_normal((SIDE * SIDE, CLASSES), dtype=np.float32)
    y = (x @ (teacher / SIDE)).argmax(axis=1)
    return torch.from_numpy(x.reshape(ROWS, 1, SIDE, SIDE)), torch.from_numpy(y)


def model():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(64 * 5 * 5, CLASSES),
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=7, help="measured epochs after one warm-up")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x, y = data(a.seed)
    net = model()
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    steps = (ROWS + BATCH - 1) // BATCH

    times, final_loss = [], float("nan")
    for _ in range(1 + max(a.epochs, 1)):
        start = time.perf_counter()
        perm = torch.randperm(ROWS)
        total = 0.0
        for i in range(0, ROWS, BATCH):
            idx = perm[i:i + BATCH]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        times.append(time.perf_counter() - start)
        final_loss = total / ROWS
    us = statistics.median(times[1:]) * 1e6 / steps
    print(json.dumps({"engine": "pytorch", "workload": "cnn", "threads": a.threads,
                      "us_per_step": round(us, 1), "final_loss": final_loss}))


if __name__ == "__main__":
    main()
