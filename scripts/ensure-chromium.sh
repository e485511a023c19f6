#!/usr/bin/env bash
# Browser tests drive Debian's Chromium with playwright-core; installs it when missing.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "[chromium] installing Debian's chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo /usr/bin/chromium
