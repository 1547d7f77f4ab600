#!/usr/bin/env bash
# Trains the `cnn` workload (see bench/src/cnn.rs) in gradus and in PyTorch on the CPU with
# the same thread counts (1 and 2), and prints µs per step and the speed-up of gradus
# (PyTorch µs/step ÷ gradus µs/step) against the target (≥ 1.2×).
#
# Usage: bench/compare-cnn.sh [ROUNDS [EPOCHS]]   (defaults: 3 rounds of 5 epochs of 16 steps)
#
# Creates bench/.venv-torch with torch and numpy from PyPI on first use. Run it on a quiet
# machine: the engines are interleaved and each keeps its fastest round, and the table shows
# how busy the machine was with other work during the kept runs (bench/compare_cnn.py).
# The JSON lines are kept in bench/results/cnn-<time>.jsonl. Exits non-zero when a target
# is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-3}"
epochs="${2:-5}"
venv=bench/.venv-torch
if ! "$venv/bin/python" -c 'import torch, numpy' 2>/dev/null; then
    echo "creating $venv (torch, numpy from PyPI) ..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet torch numpy
fi

cargo build --release --quiet -p gradus-bench
bin="${CARGO_TARGET_DIR:-target}/release/gradus-bench"

mkdir -p bench/results
out="bench/results/cnn-$(date +%Y%m%d-%H%M%S).jsonl"
"$venv/bin/python" bench/compare_cnn.py --gradus-bin "$bin" --rounds "$rounds" \
    --epochs "$epochs" --out "$out"
