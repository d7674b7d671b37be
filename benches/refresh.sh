#!/usr/bin/env bash
# Refresh and snapshot benchmark (issue 9), with the release binary:
#  - a refresh that changes one of COUNT documents (a new generation: copy,
#    re-read one file, derive, rename), and one that changes nothing;
#  - a snapshot of the shipped data/, and of the COUNT documents.
# Prints wall time and peak memory as /usr/bin/time measures them.
#
#     benches/refresh.sh [COUNT]     (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zhibiao-target}"
count="${1:-1000}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/zhibiao"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/docs"
for i in $(seq -w 1 "$count"); do cp data/seed-2022.txt "$work/docs/report-$i.txt"; done
measure() {
    local what=$1
    shift
    echo "$what:"
    /usr/bin/time -f "  wall %e s, peak memory %M KB" "$@" > "$work/out" 2> "$work/err" || true
    sed 's/^/  | /' "$work/out" | tail -n 2
    tail -n 1 "$work/err"
}
"$bin" ingest "$work/docs" --db "$work/big.duckdb" --catalogue data/metrics.toml > /dev/null
printf '\n追加\t新增示范企业7家\t无\n' >> "$work/docs/report-$(printf "%0${#count}d" 1).txt"
measure "refresh changing one of $count documents" \
    "$bin" ingest "$work/docs" --db "$work/big.duckdb" --catalogue data/metrics.toml
measure "refresh with nothing changed ($count documents)" \
    "$bin" ingest "$work/docs" --db "$work/big.duckdb" --catalogue data/metrics.toml
"$bin" ingest data --db "$work/shipped.duckdb" > /dev/null
measure "snapshot of the shipped data" \
    "$bin" snapshot --db "$work/shipped.duckdb" --out "$work/snap-shipped"
measure "snapshot of $count documents" \
    "$bin" snapshot --db "$work/big.duckdb" --data "$work/docs" --out "$work/snap-big"
