#!/bin/sh
# Builds the Debian package (release binary, desktop entry, icons, workbook MIME type, licences):
#   sh .ci/build-deb.sh          → target/debian/gongkai_<version>-1_<arch>.deb
# Needs cargo-deb (installed from crates.io when missing) and dpkg-dev (dpkg-shlibdeps).
# Not part of the test run; .ci/check-deb.sh installs the result into a clean Debian 12 root.
set -e
cd "$(dirname "$0")/.."
if ! command -v dpkg-shlibdeps >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq dpkg-dev >/dev/null
  else
    echo "缺少 dpkg-shlibdeps：请先 sudo apt-get install dpkg-dev" >&2
    exit 2
  fi
fi
if ! cargo deb --version >/dev/null 2>&1; then
  cargo install cargo-deb --locked --version '^3'
fi
cargo deb --locked "$@"
ls -l target/debian/*.deb
