#!/bin/sh
# Rebuilds the committed font subsets from Debian's fonts-noto-cjk (SIL OFL 1.1, see OFL.txt).
#   apt-get install fonts-noto-cjk && pip install fonttools && sh assets/fonts/build-fonts.sh
# Face 2 of each collection is Simplified Chinese. Kept: ASCII, Latin-1, general punctuation,
# letterlike symbols, number forms (Ⅰ Ⅱ), arrows, maths (≤ ≥ ≠), enclosed numbers (① ㈠), shapes,
# CJK symbols and punctuation, CJK compatibility (㎡ ㎏), the whole CJK Unified Ideographs block U+4E00–9FFF (GB2312 alone
# lacks name characters such as 堃 喆 赟), full-width forms. Only the kern feature is kept.
set -e
SRC=/usr/share/fonts/opentype/noto
DIR=$(dirname "$0")
UNICODES="U+0020-007E,U+00A0-00FF,U+2000-206F,U+2100-214F,U+2150-218F,U+2190-21FF,U+2200-22FF,U+2460-24FF,U+25A0-25FF,U+3000-303F,U+3200-32FF,U+3300-33FF,U+4E00-9FFF,U+FF00-FFEF"
sub() {
  pyftsubset "$SRC/$1" --font-number=2 --unicodes="$UNICODES" --layout-features=kern \
    --no-hinting --desubroutinize --output-file="$DIR/$2"
}
sub NotoSansCJK-Regular.ttc NotoSansSC-Regular-subset.otf
sub NotoSerifCJK-Regular.ttc NotoSerifSC-Regular-subset.otf
