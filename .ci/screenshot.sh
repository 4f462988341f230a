#!/bin/sh
# Runs the app under Xvfb on a fresh per-user folder (first run: the bundled sample) and writes a
# PNG of the window: sh .ci/screenshot.sh [OUT.png]. Needs: apt-get install xvfb imagemagick.
set -e
OUT=${1:-docs/screenshot.png}
cargo build --quiet
HOME_DIR=$(mktemp -d)
HOME="$HOME_DIR" xvfb-run -a -s "-screen 0 1400x900x24" sh -c \
  "target/debug/gongkai & PID=\$!; sleep 10; import -window root '$OUT'; kill \$PID" 
rm -rf "$HOME_DIR"
echo "wrote $OUT"
