#!/usr/bin/env bash
# Compares gradus-tune's TPE with Optuna 5's default TPESampler on the same protocol:
# 200 evaluations, seeds 0-9, five functions; then the latency at 1000 trials, 10 dims.
# Creates bench/.venv-optuna (gitignored) with optuna==5.0.0 scipy numpy from PyPI.
# Results go to bench/results/ (gitignored). Usage: bench/compare-tpe.sh [PRESET]
set -euo pipefail
cd "$(dirname "$0")"
preset="${1:-optuna}"
venv=.venv-optuna
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet optuna==5.0.0 scipy numpy
fi
mkdir -p results
functions="branin hartmann6 rosenbrock10 ackley10 styblinski_tang10"

cargo build --release -p gradus-bench --quiet
bin="${CARGO_TARGET_DIR:-../target}/release/gradus-bench"
: > "results/gradus_tpe_$preset.jsonl"
for f in $functions; do
    for s in 0 1 2 3 4 5 6 7 8 9; do
        "$bin" tpe --function "$f" --evals 200 --seed "$s" --preset "$preset" >> "results/gradus_tpe_$preset.jsonl"
    done
done
# Five latency runs: on a shared 2-core machine single runs vary with the other load.
: > results/gradus_latency.json
for _ in 1 2 3 4 5; do
    "$bin" tpe-latency --trials 1000 --dim 10 >> results/gradus_latency.json
done

if [ ! -s results/optuna_tpe.jsonl ] || [ "${RERUN_OPTUNA:-0}" = 1 ]; then
    "$venv/bin/python" optuna_tpe.py --seeds 0-9 --evals 200 > results/optuna_tpe.jsonl
fi
if [ ! -s results/optuna_latency.json ] || [ "${RERUN_OPTUNA:-0}" = 1 ]; then
    "$venv/bin/python" optuna_tpe.py --latency --trials 1000 --dim 10 > results/optuna_latency.json
fi
"$venv/bin/python" compare_tpe.py "results/gradus_tpe_$preset.jsonl" results/optuna_tpe.jsonl \
    results/gradus_latency.json results/optuna_latency.json
