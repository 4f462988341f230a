#!/bin/sh
# Review at scale, measured: `gongkai check DIR --summary` over 10, 100 and 500 copies of the
# bundled 决算 sample (interchange JSON, then .gongkai workbook files with the Excel sheet), with
# the release binary. Prints seconds and peak memory per run: sh .ci/summary-bench.sh
set -eu
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
BIN=$PWD/target/release/gongkai
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for n in 10 100 500; do
  mkdir -p "$T/json$n"
  for i in $(seq "$n"); do cp assets/samples/juesuan-2023-yangquan.json "$T/json$n/u$i.json"; done
  /usr/bin/time -f "$n JSON workbooks: %e s, peak %M KB" "$BIN" check "$T/json$n" --summary >/dev/null || true
done
mkdir -p "$T/g500"
"$BIN" import assets/samples/juesuan-2023-yangquan.json --into "$T/g500/u1.gongkai" >/dev/null
for i in $(seq 2 500); do cp "$T/g500/u1.gongkai" "$T/g500/u$i.gongkai"; done
/usr/bin/time -f "500 .gongkai workbooks + Excel sheet: %e s, peak %M KB" \
  "$BIN" check "$T/g500" --summary --xlsx "$T/summary.xlsx" >/dev/null || true
