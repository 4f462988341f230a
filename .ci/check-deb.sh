#!/bin/sh
# Installs the package into a clean Debian 12 (bookworm) root and checks what a user gets:
#   sh .ci/check-deb.sh [PACKAGE.deb]      (default: the newest target/debian/gongkai_*.deb)
# Run as root. The root is made once with debootstrap from deb.debian.org and then copied for
# each run, so every check starts from a clean system. Checks: the files, the desktop entry
# (desktop-file-validate), the MIME registration (*.gongkai → application/x-gongkai-workbook in
# the installed MIME database), `gongkai --version`, the desktop entry's command opening the
# start page under Xvfb (first frame presented, samples written), the installed size, and that
# removing the package leaves a user's workbook untouched.
set -eu
cd "$(dirname "$0")/.."
DEB=${1:-$(ls -t target/debian/gongkai_*.deb | head -1)}
BASE=${GONGKAI_DEBIAN_ROOT:-/var/tmp/gongkai-bookworm}
ROOT=$(mktemp -d /var/tmp/gongkai-check.XXXXXX)
fail() { echo "FAIL: $*" >&2; exit 1; }
if [ ! -x "$BASE/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq; apt-get install -y -qq debootstrap >/dev/null; }
  debootstrap --variant=minbase bookworm "$BASE" http://deb.debian.org/debian
fi
cp -a "$BASE/." "$ROOT/"
trap 'umount "$ROOT/proc" 2>/dev/null || true; rm -rf "$ROOT"' EXIT
mount -t proc proc "$ROOT/proc"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
cp "$DEB" "$ROOT/tmp/gongkai.deb"
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
in_root apt-get update -qq
# What a desktop has: the MIME database and the desktop-file tools (for the checks), Xvfb to
# start the window.
in_root apt-get install -y -qq shared-mime-info desktop-file-utils xvfb xauth >/dev/null
echo "== apt install ./gongkai.deb"
in_root apt-get install -y -qq /tmp/gongkai.deb >/dev/null
for f in /usr/bin/gongkai /usr/share/applications/gongkai.desktop /usr/share/mime/packages/gongkai.xml \
         /usr/share/icons/hicolor/scalable/apps/gongkai.svg /usr/share/icons/hicolor/256x256/apps/gongkai.png \
         /usr/share/icons/hicolor/48x48/mimetypes/application-x-gongkai-workbook.png \
         /usr/share/doc/gongkai/copyright /usr/share/doc/gongkai/OFL.txt; do
  [ -e "$ROOT$f" ] || fail "missing $f"
done
echo "files: ok"
in_root desktop-file-validate /usr/share/applications/gongkai.desktop || fail "desktop entry"
grep -q '^Name=公开 · 预决算公开与绩效自评$' "$ROOT/usr/share/applications/gongkai.desktop" || fail "desktop name"
echo "desktop entry: valid"
grep -q 'application/x-gongkai-workbook:\*\.gongkai' "$ROOT/usr/share/mime/globs2" || fail "MIME glob not registered"
grep -q 'application/x-gongkai-workbook' "$ROOT/usr/share/applications/mimeinfo.cache" || fail "desktop MIME cache"
echo "MIME: *.gongkai registered, opened by gongkai.desktop"
in_root gongkai --version | head -1
# The desktop entry's command, as a launcher runs it (no file: the start page).
EXEC=$(sed -n 's/^Exec=//p' "$ROOT/usr/share/applications/gongkai.desktop" | sed 's/ %[fFuU]//')
mkdir -p "$ROOT/home/user"
OUT=$(chroot "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/home/user LANG=C.UTF-8 GONGKAI_FIRST_FRAME=1 \
  xvfb-run -a -s "-screen 0 1366x768x24" $EXEC 2>&1) || fail "window: $OUT"
echo "$OUT" | grep -q 'first frame' || fail "no first frame: $OUT"
ls "$ROOT/home/user/.local/share/Gongkai/样例/"*.gongkai >/dev/null || fail "samples not written"
echo "start page: $(echo "$OUT" | grep 'first frame')"
# A user's workbook, then removal: the workbook stays.
in_root gongkai new /root/本单位-2024年度-决算.gongkai --unit 测试单位 --year 2024 >/dev/null
SIZE=$(in_root dpkg-query -W -f='${Installed-Size}' gongkai)
echo "installed size: ${SIZE} KiB"
in_root apt-get remove -y -qq gongkai >/dev/null
[ ! -e "$ROOT/usr/bin/gongkai" ] || fail "binary left after removal"
[ -s "$ROOT/root/本单位-2024年度-决算.gongkai" ] || fail "workbook removed with the package"
[ -d "$ROOT/home/user/.local/share/Gongkai" ] || fail "user data removed with the package"
echo "removed: program gone, workbooks kept"
echo "ALL OK"
