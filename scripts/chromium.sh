#!/usr/bin/env bash
# Make sure /usr/bin/chromium exists (for browser tests); apt-installs the
# Debian `chromium` package when missing.  Prints nothing to stdout.
SERVICE=chromium
source "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium

if [[ ! -x $CHROMIUM ]]; then
    apt_install chromium
fi
[[ -x $CHROMIUM ]] || die "$CHROMIUM still missing after apt-get install chromium"
log "$("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM present")"
