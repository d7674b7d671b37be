#!/usr/bin/env bash
# Serving benchmark (issue 4): the release server with the seed under 1,000
# document ids; the overview dashboard, cached after its first request,
# loaded with 64 connections by wrk for 15 s; the server's memory read from
# /proc before and after.
#
#     benches/serve.sh [COUNT] [SECONDS]     (defaults 1000, 15)
#
# Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zhibiao-target}"
count="${1:-1000}"
seconds="${2:-15}"
command -v wrk >/dev/null || { echo "benches/serve.sh needs wrk: apt-get install wrk" >&2; exit 1; }
source benches/server.sh
page="${url}d/overview"
memory() { awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2/1024}' "/proc/$pid/status"; echo; }

echo "server with $count documents: $(grep -c . "$work/err") lines of ingest summary, listening at $url"
bytes=$(curl -s "$page" | wc -c)
echo "overview page: $bytes bytes (first request renders and caches it)"
echo "memory after start and first render: $(memory)"
wrk -t2 -c64 -d"${seconds}s" --latency "$page" | sed 's/^/  /'
echo "memory after the load: $(memory)"
