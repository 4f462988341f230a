#!/bin/sh
# Start-up benchmark: time from process start to the first presented frame of the release
# binary (the start page on a fresh home folder, then the bundled 决算 sample), median of N runs
# under Xvfb, and the size of the stripped binary:  sh .ci/startup.sh [N]
# Needs xvfb (apt-get install xvfb). Prints the figures; never part of the test run.
set -eu
cd "$(dirname "$0")/.."
N=${1:-7}
cargo build --release --locked --quiet
BIN=target/release/gongkai
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() {
  H=$(mktemp -d)
  HOME="$H" GONGKAI_FIRST_FRAME=1 xvfb-run -a -s "-screen 0 1366x768x24" "$BIN" "$@" 2>&1 \
    | sed -n 's/^first frame: \([0-9]*\) ms$/\1/p'
  rm -rf "$H"
}
START=$(for i in $(seq "$N"); do run; done | median)
H=$(mktemp -d)
SAMPLE="$H/样例.gongkai"
"$BIN" import assets/samples/juesuan-2023-yangquan.json --into "$SAMPLE" >/dev/null
OPEN=$(for i in $(seq "$N"); do run open "$SAMPLE"; done | median)
rm -rf "$H"
cp "$BIN" /tmp/gongkai-stripped && strip /tmp/gongkai-stripped
echo "first frame, start page (median of $N): ${START} ms"
echo "first frame, 决算 sample open (median of $N): ${OPEN} ms"
echo "release binary: $(du -k "$BIN" | cut -f1) KiB, stripped: $(du -k /tmp/gongkai-stripped | cut -f1) KiB"
