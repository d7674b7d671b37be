# Shared by the server benchmarks (serve.sh, cache.sh); sourced, not run.
# Builds the release binary, serves the seed under COUNT document ids from a
# temporary folder, and sets `bin`, `work`, `pid` and `url`; the server and
# the folder go when the calling script exits.

cargo build --release --all-targets --quiet  # the release profile: shares DuckDB's build with `cargo test --release`
bin="$CARGO_TARGET_DIR/release/zhibiao"
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/data"
cp data/metrics.toml "$work/data/"
for i in $(seq -w 1 "$count"); do cp data/seed-2022.txt "$work/data/report-$i.txt"; done

"$bin" serve --bind 127.0.0.1:0 --db "$work/bench.duckdb" --data "$work/data" > "$work/out" 2> "$work/err" &
pid=$!
for _ in $(seq 1 600); do
    grep -q "zhibiao serving" "$work/out" 2>/dev/null && break
    sleep 0.1
done
url=$(sed -n 's/^zhibiao serving //p' "$work/out")
[ -n "$url" ] || { echo "the server did not start:"; cat "$work/err"; exit 1; }

# Changes the first report once a second for `seconds` seconds, in the
# background, so that each scheduled refresh writes a new generation; each
# run's rows are told apart by TAG. Sets `writer` to wait on.
change_reports() {
    local tag=$1
    local first
    first="$work/data/report-$(printf "%0${#count}d" 1).txt"
    (
        for i in $(seq 1 "$seconds"); do
            printf '\n追加\t第%s次%s新增示范企业%s家\t无\n' "$i" "$tag" "$i" >> "$first"
            sleep 1
        done
    ) &
    writer=$!
}
