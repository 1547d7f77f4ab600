#!/usr/bin/env bash
# Compares the per-trial storage overhead of gradus-tune and Optuna 5: ask + 5 suggestions +
# tell with the random sampler, one process, mean ms per trial over the last 10 % of N trials,
# for N in $SIZES (default "1000 10000") on memory, SQLite on disk and PostgreSQL.
# Creates bench/.venv-optuna (gitignored) with optuna==5.0.0 (and psycopg2-binary for
# Optuna's PostgreSQL runs, skipped when it cannot be installed). PostgreSQL: the server of
# $GRADUS_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); gradus uses
# schema gradus_bench there, Optuna a database optuna_bench on the same server (created if
# missing). Optuna's SQLite and PostgreSQL runs are capped at $OPTUNA_DISK_MAX trials
# (default 1000: at 70-120 ms per trial here, 10 000 trials take 12-20 minutes each; set it
# to 10000 to run them). Results go to bench/results/storage.jsonl (gitignored).
set -euo pipefail
cd "$(dirname "$0")"
venv=.venv-optuna
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet optuna==5.0.0 scipy numpy
fi
py="$venv/bin/python"
pg_optuna=1
if ! "$py" -c "import psycopg2" 2>/dev/null; then
    "$venv/bin/pip" install --quiet psycopg2-binary || {
        echo "psycopg2-binary cannot be installed: Optuna's PostgreSQL runs are skipped" >&2
        pg_optuna=0
    }
fi
pg="${GRADUS_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
sizes="${SIZES:-1000 10000}"
optuna_disk_max="${OPTUNA_DISK_MAX:-1000}"

cargo build --release -p gradus-bench --quiet
bin="${CARGO_TARGET_DIR:-../target}/release/gradus-bench"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p results
out=results/storage.jsonl
: > "$out"

# Optuna's tables would clash with gradus's in one schema: Optuna gets its own database.
pg_base="${pg%/*}"
optuna_pg="postgresql+psycopg2://${pg_base#*://}/optuna_bench"
pg_gradus=1
if ! "$bin" storage --url "$pg?schema=gradus_bench" --trials 10 > /dev/null; then
    echo "PostgreSQL at $pg is unreachable: PostgreSQL runs are skipped" >&2
    pg_gradus=0
    pg_optuna=0
fi
if [ "$pg_optuna" = 1 ]; then
    "$py" - "$pg" <<'PY'
import sys, psycopg2
c = psycopg2.connect(sys.argv[1])
c.autocommit = True
cur = c.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = 'optuna_bench'")
if cur.fetchone() is None:
    cur.execute("CREATE DATABASE optuna_bench")
PY
fi

for n in $sizes; do
    "$bin" storage --url memory: --trials "$n" >> "$out"
    "$bin" storage --url "sqlite://$tmp/gradus-$n.db" --trials "$n" >> "$out"
    [ "$pg_gradus" = 1 ] && "$bin" storage --url "$pg?schema=gradus_bench" --trials "$n" >> "$out"
    "$py" optuna_storage.py --backend memory --trials "$n" >> "$out"
    if [ "$n" -le "$optuna_disk_max" ]; then
        "$py" optuna_storage.py --backend sqlite --url "sqlite:///$tmp/optuna-$n.db" --trials "$n" >> "$out"
        [ "$pg_optuna" = 1 ] && "$py" optuna_storage.py --backend postgres --url "$optuna_pg" --trials "$n" >> "$out"
    fi
    echo "done: $n trials" >&2
done
"$py" compare_storage.py "$out"
