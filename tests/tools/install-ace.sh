#!/bin/sh
# Installs Ace by DAISY (the EPUB accessibility checker) into .tools/ace/ of this
# repository (git-ignored), from the npm registry. Its install scripts are skipped:
# puppeteer would download its own Chromium; quire's tests point it at the system's
# (Debian: apt-get install chromium) through PUPPETEER_EXECUTABLE_PATH.
# Usage: tests/tools/install-ace.sh   (or: make ace)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
prefix="$here/.tools/ace"
command -v npm >/dev/null 2>&1 || { echo "npm not found: apt-get install nodejs npm" >&2; exit 1; }
mkdir -p "$prefix"
[ -f "$prefix/package.json" ] || printf '{"private": true}\n' > "$prefix/package.json"
npm install --prefix "$prefix" --ignore-scripts --no-audit --no-fund @daisy/ace-cli@1
echo "Ace installed: $prefix/node_modules/.bin/ace-cli"
