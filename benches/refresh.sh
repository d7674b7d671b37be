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

# The server's refresh keeps each document's reading between refreshes: a
# refresh changing one report reads that one again (the first after start
# reads them all). Four changes, seven seconds apart; each refresh's time
# from the change seen to the new generation in service, from the log.
"$bin" ingest "$work/docs" --db "$work/served.duckdb" --catalogue data/metrics.toml > /dev/null
cp data/metrics.toml "$work/docs/"
RUST_LOG=zhibiao=info ZHIBIAO_REFRESH_SCHEDULE="*/3 * * * * *" "$bin" serve --bind 127.0.0.1:0 --db "$work/served.duckdb" \
    --data "$work/docs" > "$work/serve.out" 2> "$work/serve.err" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do grep -q "zhibiao serving" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^zhibiao serving //p' "$work/serve.out")
echo "server refresh changing one of $count documents (the first after start reads every document):"
for i in 1 2 3 4; do
    printf '\n追加\t第%s轮新增示范企业%s家\t无\n' "$i" "$i" >> "$work/docs/report-$(printf "%0${#count}d" 2).txt"
    sleep 7
done
grep -o "new generation in service after [0-9.]* s" "$work/serve.err" | sed 's/^/  /'
