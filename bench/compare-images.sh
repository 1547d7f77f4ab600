#!/usr/bin/env bash
# Image-folder loading speed, gradus against Keras (flow_from_directory) on the same folder of
# JPEGs, one pass each, decoding to 224 × 224 (see bench/compare_images.py), and prints images
# per second and gradus's speed-up.
#
# Usage: bench/compare-images.sh [ROUNDS [PER_CLASS [nearest|bilinear]]]
#        (defaults: 3 rounds, 100 images per class, nearest)
#
# Creates bench/.venv-images with keras, jax, pillow and numpy from PyPI on first use (the
# same venv bench/image_goldens/keras_images.py uses). Run it on a quiet machine; the table
# shows how busy the machine was with other work during the kept runs. The JSON lines are
# kept in bench/results/images-<time>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-3}"
per_class="${2:-100}"
interpolation="${3:-nearest}"
venv=bench/.venv-images
if ! KERAS_BACKEND=jax "$venv/bin/python" -c 'import keras, jax, PIL, numpy' 2>/dev/null; then
    echo "creating $venv (keras, jax, pillow, numpy from PyPI) ..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet keras jax pillow numpy
fi

cargo build --release --quiet -p gradus-bench
bin="${CARGO_TARGET_DIR:-target}/release/gradus-bench"

mkdir -p bench/results
out="bench/results/images-$(date +%Y%m%d-%H%M%S).jsonl"
KERAS_BACKEND=jax "$venv/bin/python" bench/compare_images.py --gradus-bin "$bin" \
    --rounds "$rounds" --per-class "$per_class" --interpolation "$interpolation" --out "$out"
