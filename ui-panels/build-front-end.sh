#!/usr/bin/env bash
# Installs the panel's npm packages exactly as package-lock.json pins them (npm ci) whenever
# node_modules was not installed from this lock file, then copies uPlot's built files into the
# jar's resources. Nothing is fetched when the panel runs.
#   build-front-end.sh MODULE_DIR VENDOR_OUTPUT_DIR
set -euo pipefail
DIR="$1"; OUT="$2"
cd "$DIR"
command -v npm >/dev/null 2>&1 || { echo "ui-panels: npm is needed to build the web panel (apt-get install npm)" >&2; exit 1; }
if ! cmp -s package-lock.json node_modules/.worldfx-installed-lock 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.worldfx-installed-lock
fi
mkdir -p "$OUT"
cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css "$OUT/"
cp node_modules/uplot/LICENSE "$OUT/uPlot.LICENSE"
