#!/usr/bin/env bash
# Serving during refreshes (issue 9): the release server with the seed
# under COUNT document ids, refreshing every second (ZHIBIAO_REFRESH_SCHEDULE)
# while one report changes every second, so each refresh writes and swaps a
# new generation; the overview loaded with 64 connections by wrk meanwhile.
# Prints wrk's latency distribution, errors, and how many refreshes ran.
#
#     benches/serve_refreshing.sh [COUNT] [SECONDS]     (defaults 1000, 15)
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
page="${url}d/overview"
curl -s "$page" > /dev/null
change_reports ""
wrk -t2 -c64 -d"${seconds}s" --latency "$page" | sed 's/^/  /'
wait "$writer"
echo "refreshes that wrote a new generation during the load: $(grep -c '已更新' "$work/err" || true)"
echo "refresh durations (s): $(curl -s "${url}api/status" | sed -n 's/.*"last_seconds":\([0-9.]*\).*/\1/p' | head -1) (last one)"
