"""The `mlp` workloads of gradus-bench (see bench/src/mlp.rs) in PyTorch on the CPU.

Prints one JSON line like the gradus binary:
{"engine": "pytorch", "workload": "w1", "threads": 1, "adam": "default",
 "us_per_step": ..., "final_loss": ...}

- W1: 32 -> Linear 64 + ReLU -> Linear 10, MSELoss, Adam, batch 32, 4096 rows.
- W2: 784 -> 512 ReLU -> 512 ReLU -> 10, CrossEntropyLoss (fused log-softmax),
  Adam, batch 128, 8192 rows.

Same data recipe as gradus (standard-normal inputs, a random linear teacher; W2's
class is the teacher's arg-max), same loop: shuffle each epoch, gather each batch,
forward, loss, backward, Adam step. One warm-up epoch, then the median of the
measured epochs, divided by the steps per epoch.
"""

import argparse
import json
import statistics
import time

import numpy as np
import torch

SPECS = {
    "w1": dict(inputs=32, hidden=[64], outputs=10, batch=32, rows=4096),
    "w2": dict(inputs=784, hidden=[512, 512], outputs=10, batch=128, rows=8192),
}


def data(workload, spec, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((spec["rows"], spec["inputs"]), dtype=np.float32)
    teacher = rng.standard_normal((spec["inputs"], spec["outputs"]), dtype=np.float32)
    scores = x @ (teacher / np.sqrt(spec["inputs"]))
    if workload == "w1":
        return torch.from_numpy(x), torch.from_numpy(scores)
    return torch.from_numpy(x), torch.from_numpy(scores.argmax(axis=1))


def model(spec):
    layers, width = [], spec["inputs"]
    for units in spec["hidden"]:
        layers += [torch.nn.Linear(width, units), torch.nn.ReLU()]
        width = units
    layers.append(torch.nn.Linear(width, spec["outputs"]))
    return torch.nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workload", choices=sorted(SPECS), required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=7, help="measured epochs after one warm-up")
    p.add_argument("--adam", choices=["default", "fused"], default="default",
                   help="torch.optim.Adam as constructed by default, or with fused=True")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    spec = SPECS[a.workload]
    x, y = data(a.workload, spec, a.seed)
    net = model(spec)
    loss_fn = torch.nn.MSELoss() if a.workload == "w1" else torch.nn.CrossEntropyLoss()
    extra = {"fused": True} if a.adam == "fused" else {}
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, **extra)
    n, b = spec["rows"], spec["batch"]
    steps = (n + b - 1) // b

    times, final_loss = [], float("nan")
    for _ in range(1 + max(a.epochs, 1)):
        start = time.perf_counter()
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, b):
            idx = perm[i:i + b]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        times.append(time.perf_counter() - start)
        final_loss = total / n
    us = statistics.median(times[1:]) * 1e6 / steps
    print(json.dumps({"engine": "pytorch", "workload": a.workload, "threads": a.threads,
                      "adam": a.adam, "us_per_step": round(us, 1), "final_loss": final_loss}))


if __name__ == "__main__":
    main()
