#!/usr/bin/env bash
# Ingest and metrics benchmark (issues 2 and 3): the seed under 1,000
# document ids into a fresh database with the release binary. Prints wall
# time and peak memory (maximum resident set size) as /usr/bin/time
# measures them, for the first ingest, a re-ingest with nothing changed,
# and `zhibiao metrics` over the result.
#
#     benches/ingest.sh [COUNT]     (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zhibiao-target}"
count="${1:-1000}"
cargo build --release --all-targets --quiet  # the release profile: shares DuckDB's build with `cargo test --release`
bin="$CARGO_TARGET_DIR/release/zhibiao"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/docs"
for i in $(seq -w 1 "$count"); do cp data/seed-2022.txt "$work/docs/report-$i.txt"; done
size=$(du -sh "$work/docs" | cut -f1)
measure() {
    local what=$1
    shift
    echo "$what:"
    /usr/bin/time -f "  wall %e s, peak memory %M KB" "$@" > "$work/out" 2> "$work/err" || true
    sed 's/^/  | /' "$work/out" | tail -n 4
    tail -n 1 "$work/err"
}
measure "ingest of $count documents ($size) into a new database" \
    "$bin" ingest "$work/docs" --db "$work/bench.duckdb" --catalogue data/metrics.toml
measure "re-ingest, nothing changed" \
    "$bin" ingest "$work/docs" --db "$work/bench.duckdb" --catalogue data/metrics.toml
measure "zhibiao metrics (attainment table of $count documents)" \
    "$bin" metrics --db "$work/bench.duckdb"
