#!/usr/bin/env bash
# Runs the `augment-flow` workload (ImageDataGenerator.flow with the course's augmentation
# on 64 × 256×256×3 images; see bench/src/augment_flow.rs) in gradus (1 and 2 threads) and in
# Keras 3 (bench/keras_augment.py), interleaved, and prints images per second and the
# speed-up of gradus over Keras against the target (≥ 2× on one thread).
#
# Usage: bench/compare-keras-augment.sh [ROUNDS [EPOCHS]]   (defaults: 3 rounds of 5 epochs)
#
# Creates bench/.venv-keras with keras, jax[cpu], scipy, numpy and pillow from PyPI on first
# use (the same venv regenerates the goldens: bench/keras_goldens/augment.py). The JSON lines
# are kept in bench/results/augment-<time>.jsonl. Exits non-zero when the target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-3}"
epochs="${2:-5}"
venv=bench/.venv-keras
if ! KERAS_BACKEND=jax "$venv/bin/python" -c 'import keras, jax, scipy, numpy, PIL' 2>/dev/null; then
    echo "creating $venv (keras, jax[cpu], scipy, numpy, pillow from PyPI) ..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet keras "jax[cpu]" scipy numpy pillow
fi

cargo build --release --quiet -p gradus-bench
bin="${CARGO_TARGET_DIR:-target}/release/gradus-bench"

mkdir -p bench/results
out="bench/results/augment-$(date +%Y%m%d-%H%M%S).jsonl"
KERAS_BACKEND=jax "$venv/bin/python" bench/compare_augment.py --gradus-bin "$bin" \
    --rounds "$rounds" --epochs "$epochs" --out "$out"
