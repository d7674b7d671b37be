#!/usr/bin/env bash
# Ingest benchmark (issue 2): the seed under 1,000 document ids into a fresh
# database, timed whole with the release binary; prints wall time and peak
# memory (maximum resident set size) as /usr/bin/time measures them.
#
#     benches/ingest.sh [COUNT]     (default 1000)
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
size=$(du -sh "$work/docs" | cut -f1)
echo "ingest of $count documents ($size) into a new database:"
/usr/bin/time -f "  wall %e s, peak memory %M KB" "$bin" ingest "$work/docs" --db "$work/bench.duckdb" | sed 's/^/  /'
echo "re-ingest, nothing changed:"
/usr/bin/time -f "  wall %e s, peak memory %M KB" "$bin" ingest "$work/docs" --db "$work/bench.duckdb" | sed 's/^/  /'
