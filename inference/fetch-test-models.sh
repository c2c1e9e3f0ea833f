#!/usr/bin/env bash
# Fetches the golden test data for the ESRGAN-slim tests: the npm package
# @upscalerjs/esrgan-slim 1.0.0 (MIT; pretrained TF.js models with a sample image and the
# expected upscaled results). It is downloaded, not committed. Idempotent: a finished copy is
# kept and reused. Prints the package folder the tests read (system property worldfx.esrgan.dir).
#   WORLDFX_CACHE   cache root (default ~/.worldfx/cache); the package lands in
#                   $WORLDFX_CACHE/npm/upscalerjs-esrgan-slim-1.0.0/package
set -euo pipefail
PKG=@upscalerjs/esrgan-slim
VERSION=1.0.0
TARBALL=upscalerjs-esrgan-slim-$VERSION.tgz
# SHA-256 of the registry tarball (npm's own sha1 of it: 4cb9ea10441ce556f2f8c621c1771a101a27a702).
SHA256=b53070ff01363e74d33138106dcc72b58d341c9fb7e8fd648554a4e7744142b5

cache="${WORLDFX_CACHE:-$HOME/.worldfx/cache}/npm"
dest="$cache/upscalerjs-esrgan-slim-$VERSION"
if [[ -f "$dest/.complete" ]]; then
  echo "$dest/package"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-test-models: npm not found (apt-get install npm)" >&2; exit 1; }
mkdir -p "$cache"
tmp="$(mktemp -d "$cache/.fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PKG@$VERSION" >/dev/null)
echo "$SHA256  $tmp/$TARBALL" | sha256sum --check --quiet \
  || { echo "fetch-test-models: $TARBALL does not have the pinned SHA-256" >&2; exit 1; }
mkdir "$tmp/out"
tar -xzf "$tmp/$TARBALL" -C "$tmp/out"
touch "$tmp/out/.complete"
# Replace any half-finished earlier attempt; the rename makes the finished copy appear at once.
rm -rf "$dest"
mv "$tmp/out" "$dest"
echo "$dest/package"
