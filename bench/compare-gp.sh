#!/usr/bin/env bash
# Compares gradus-tune's GpSampler with Optuna 5's GPSampler (and gradus's TPE) on the TPE
# comparison's protocol: 200 evaluations, five functions, seeds SEEDS (default 0-9).
# Creates bench/.venv-optuna-gp (gitignored) with optuna==5.0.0 scipy numpy and CPU torch.
# Optuna's GP takes 0.1-0.3 s per suggestion on an idle 2-core machine: 10 seeds x 5 functions
# is about an hour; give fewer seeds (SEEDS=0-2) or functions (FUNCTIONS=branin,hartmann6).
# Keep the machine otherwise idle: both sides' times are wall-clock means per suggestion.
# Results go to bench/results/ (gitignored). Usage: bench/compare-gp.sh
set -euo pipefail
cd "$(dirname "$0")"
seeds="${SEEDS:-0-9}"
functions="${FUNCTIONS:-branin,hartmann6,rosenbrock10,ackley10,styblinski_tang10}"
venv=.venv-optuna-gp
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet optuna==5.0.0 scipy numpy greenlet
    "$venv/bin/pip" install --quiet torch --index-url https://download.pytorch.org/whl/cpu \
        || "$venv/bin/pip" install --quiet torch
fi
mkdir -p results
cargo build --release -p gradus-bench --quiet
bin="${CARGO_TARGET_DIR:-../target}/release/gradus-bench"
lo="${seeds%-*}"
hi="${seeds#*-}"
: > results/gradus_gp.jsonl
: > results/gradus_tpe_hpo.jsonl
for f in ${functions//,/ }; do
    for s in $(seq "$lo" "$hi"); do
        "$bin" hpo --sampler gp --function "$f" --evals 200 --seed "$s" >> results/gradus_gp.jsonl
        "$bin" hpo --sampler tpe --function "$f" --evals 200 --seed "$s" >> results/gradus_tpe_hpo.jsonl
    done
done
if [ ! -s results/optuna_gp.jsonl ] || [ "${RERUN_OPTUNA:-0}" = 1 ]; then
    "$venv/bin/python" optuna_gp.py --functions "$functions" --seeds "$seeds" --evals 200 \
        > results/optuna_gp.jsonl
fi
"$venv/bin/python" compare_gp.py results/gradus_gp.jsonl results/optuna_gp.jsonl \
    results/gradus_tpe_hpo.jsonl
