#!/usr/bin/env bash
# Hostile-input benchmark (issue 7): each input that once hung, aborted or
# went quadratic, written at about 100 KB (and 1 MB) of text, read by the
# release `zhibiao extract`. Prints wall time and peak memory per input.
# Goal: every input within one second per 100 KB.
#
#     benches/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zhibiao-target}"
cargo build --release --all-targets --quiet  # the release profile: shares DuckDB's build with `cargo test --release`
bin="$CARGO_TARGET_DIR/release/zhibiao"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import sys, os
out = sys.argv[1]
head = "自查内容\t落实情况\t存在问题\n"
def cell(unit, target):
    n = max(1, target // len(unit.encode()))
    return unit * n
cases = {
    "list-40": "各区分别为" + "、".join(str(i) for i in range(1, 41)) + "个。",
    "percent-words": "百分之",
    "unclosed-comments": "<!--",
    "empty-titles": "《》1个",
    "unmatched-quotes": "“",
    "clauses": "目标10个，完成9个；",
    "numeral-run": "万",
    "digits": "１",
    "tag-quotes": "<p title=\"",
}
for size, tag in ((100_000, "100KB"), (1_000_000, "1MB")):
    for name, unit in cases.items():
        text = cell(unit, size) + "完成5个"
        with open(os.path.join(out, f"{name}-{tag}.txt"), "w", encoding="utf-8") as f:
            f.write(head + "任务\t" + text + "\t无\n")
    # Other formats (issue 11): web pages of tables nested deep, and of
    # spans covering millions of cells.
    nest = "<table><tr><td>任务"
    with open(os.path.join(out, f"nested-tables-{tag}.html"), "w", encoding="utf-8") as f:
        n = size // len((nest + "</td></tr></table>").encode())
        f.write("<html><body>" + nest * n + "</td></tr></table>" * n + "</body></html>")
    span = "<tr><td rowspan=65534 colspan=1000>完成9个</td></tr>"
    with open(os.path.join(out, f"spans-{tag}.html"), "w", encoding="utf-8") as f:
        f.write("<html><body><table>" + span * (size // len(span.encode())) + "</table></body></html>")
PY
printf '%-28s %8s %10s %12s\n' input KB seconds "peak MB"
for f in "$work"/*.txt "$work"/*.html; do
    kb=$(( $(stat -c %s "$f") / 1024 ))
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin" extract "$f" --format jsonl > /dev/null 2>&1 || true
    read -r secs mem < "$work/time"
    printf '%-28s %8d %10s %12d\n' "$(basename "$f")" "$kb" "$secs" $((mem / 1024))
done
