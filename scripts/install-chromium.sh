#!/usr/bin/env bash
# Headless Chromium for the web view's browser test (tests/integration/web_view.rs), from
# Debian's packages. Without it that one test skips with a message; CI installs it so the page
# is checked in a real browser. Needs root and apt-get; anything else only prints why not.
set -euo pipefail

for browser in chromium chromium-browser google-chrome; do
  if command -v "$browser" >/dev/null 2>&1; then
    echo "browser present: $(command -v "$browser")"
    exit 0
  fi
done
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "no Chromium and no way to install it here (needs root and apt-get): the browser test will skip"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
echo "installed: $(chromium --version 2>/dev/null || echo chromium)"
