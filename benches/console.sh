#!/usr/bin/env bash
# The SQL console (issue 10), release binary, the seed under COUNT document
# ids:
#  - the attainment query over every document, through `zhibiao sql` (the
#    console's own timing: the statement and its rows, not the process);
#  - console queries from 16 connections (wrk, SECONDS) against /api/sql
#    while the server refreshes every second and one report changes every
#    second, so generations are swapped under the load.
#
#     benches/console.sh [COUNT] [SECONDS]     (defaults 1000, 15)
#
# Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zhibiao-target}"
count="${1:-1000}"
seconds="${2:-15}"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }
export ZHIBIAO_REFRESH_SCHEDULE="* * * * * *"
export RUST_LOG=zhibiao=info
source benches/server.sh

echo "attainment over $count documents (zhibiao sql, a process each, five runs; the console's own time):"
for _ in 1 2 3 4 5; do
    "$bin" sql --db "$work/bench.duckdb" --max-rows 1000000 "SELECT * FROM attainment" 2>&1 >/dev/null | sed 's/^/  /'
done
echo "attainment over $count documents (the server's console, warm; five distinct spellings so none is cached):"
for i in 1 2 3 4 5; do
    curl -s "${url}api/sql?sql=SELECT%20*%2C%20${i}%20AS%20run%20FROM%20attainment" | grep -o '"elapsed_ms":[0-9.]*' | sed 's/^/  /'
done

change_reports ""
query='SELECT%20status%2C%20count(*)%20AS%20n%20FROM%20targets%20WHERE%20doc_id%20%3D%20%27report-0042%27%20GROUP%20BY%201'
echo "one console query repeated, 16 connections, while refreshing ($seconds s; answered from the generation's cache after the first):"
wrk -t2 -c16 -d"${seconds}s" --latency "${url}api/sql?sql=${query}" | sed 's/^/  /'
wait "$writer" || true
change_reports "再"
echo "a different document's query each time, 16 connections, while refreshing ($seconds s; computed each time):"
wrk -t2 -c16 -d"${seconds}s" --latency -s benches/console_distinct.lua "${url}" | sed 's/^/  /'
wait "$writer" || true
echo "refreshes that wrote a new generation during the load: $(grep -c 'new generation in service' "$work/err" || true)"
echo "each, from its tick to its generation in service (s): $(sed -n 's/.*new generation in service after \([0-9.]*\) s.*/\1/p' "$work/err" | sort -n | tr '\n' ' ')"
curl -s "${url}api/sql?sql=${query}" | head -c 300; echo
