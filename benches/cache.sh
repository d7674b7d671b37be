#!/usr/bin/env bash
# Page-cache memory benchmark (issue 7): the release server with the seed
# under 1,000 document ids, then 300 distinct `/api/figures?limit=N`
# requests (N = 9,701 … 10,000: each a reply of several megabytes, a new
# cache key every time). Prints the server's resident and peak memory from
# /proc before and after. Goal: under 300 MB resident.
#
#     benches/cache.sh [COUNT] [REQUESTS]     (defaults 1000, 300)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zhibiao-target}"
count="${1:-1000}"
requests="${2:-300}"
source benches/server.sh
memory() { awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2/1024}' "/proc/$pid/status"; echo; }

echo "server with $count documents at $url"
echo "memory after start:          $(memory)"
bytes=0
start=$(date +%s.%N)
for n in $(seq $((10000 - requests + 1)) 10000); do
    b=$(curl -s "${url}api/figures?limit=$n" | wc -c)
    bytes=$((bytes + b))
done
end=$(date +%s.%N)
echo "$requests distinct /api/figures?limit=N: $((bytes / 1048576)) MB of replies in $(echo "$end - $start" | bc) s"
echo "memory after the requests:   $(memory)"
for n in $(seq 1 "$requests"); do curl -s -o /dev/null "${url}api/figures?limit=$n"; done
echo "and $requests small ones:    $(memory)"
