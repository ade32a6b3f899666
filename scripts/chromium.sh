#!/usr/bin/env bash
# Make sure /usr/bin/chromium exists (for browser tests) with a CJK font, so
# screenshots show Chinese; apt-installs the Debian packages when missing.
# Prints nothing to stdout.
SERVICE=chromium
source "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium
CJK_FONT=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

missing=()
[[ -x $CHROMIUM ]] || missing+=(chromium)
[[ -f $CJK_FONT ]] || missing+=(fonts-wqy-zenhei)
if ((${#missing[@]})); then
    apt_install "${missing[@]}"
fi
[[ -x $CHROMIUM ]] || die "$CHROMIUM still missing after apt-get install chromium"
log "$("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM present")"
