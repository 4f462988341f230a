#!/bin/sh
# Runs the app under Xvfb on a fresh per-user folder (first run: the start page, the samples
# written) and writes a PNG of the window: sh .ci/screenshot.sh [OUT.png] [WORKBOOK].
# With WORKBOOK the window opens it instead. Needs: apt-get install xvfb imagemagick.
set -e
OUT=${1:-docs/start-page.png}
cargo build --quiet
HOME_DIR=$(mktemp -d)
HOME="$HOME_DIR" xvfb-run -a -s "-screen 0 1280x800x24" sh -c \
  "target/debug/gongkai ${2:+open \"$2\"} & PID=\$!; sleep 10; import -window root '$OUT'; kill \$PID"
rm -rf "$HOME_DIR"
echo "wrote $OUT"
