#!/usr/bin/env bash
# Release tests (run by `mvn verify`): the tarball, extracted elsewhere, works on its own
# runtimes with no JDK in the environment: the CLI runs the demo, the test host renders
# through the extracted bundle, and install/uninstall work from it.
#   test-release.sh TARBALL
set -uo pipefail
TARBALL="$1"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
export WORLDFX_CACHE="$TMP/cache" # Inpaint solves go to a cache of this run, not the user's
pass=0; fail=0
check() {
  local name="$1"; shift
  if "$@" >"$TMP/last.log" 2>&1; then echo "PASS release/$name"; pass=$((pass + 1));
  else echo "FAIL release/$name"; sed 's/^/    /' "$TMP/last.log" | tail -5; fail=$((fail + 1)); fi
}
check extracts tar -C "$TMP" -xzf "$TARBALL"
REL="$(find "$TMP" -maxdepth 1 -name 'worldfx-*' -type d | head -1)"
# No JDK visible: no JAVA_HOME, and a PATH with the basic tools only.
bare() { env -u JAVA_HOME -u WORLDFX_JAVA_HOME PATH=/usr/bin:/bin "$@"; }
own_runtime() { bare "$REL/bin/worldfx" doctor | grep -q "^Java: .* at $REL/runtime\$"; }
demo() { bare "$REL/bin/worldfx" demo --out "$TMP/demo" --frames 3 --size 64x48 && test "$(ls "$TMP/demo"/*.png | wc -l)" -eq 25 \
  && test -s "$TMP/demo/shot-model.safetensors"; }
renders() { bare "$REL/bin/ofx-test-host" --only render/Inpaint "$REL/WorldFX.ofx.bundle" | grep -q '^[1-9][0-9]* passed, 0 failed$'; }
licences() { test -s "$REL/THIRD-PARTY.md" && test -s "$REL/licenses/Apache-2.0.txt" && test -d "$REL/WorldFX.ofx.bundle/Contents/Resources/runtime/legal"; }
check cli-runs-on-its-own-runtime own_runtime
check demo-renders demo
check test-host-renders-through-extracted-bundle renders
check install-from-release bare "$REL/bin/worldfx" install --path "$TMP/Plugins"
check uninstall-from-release bare "$REL/bin/worldfx" uninstall --path "$TMP/Plugins"
check licences-shipped licences
models() { for s in 2 3 4 8; do grep -q "esrgan-slim-x$s" "$REL/WorldFX.ofx.bundle/Contents/Resources/models/models.json" \
  && test -s "$REL/WorldFX.ofx.bundle/Contents/Resources/models/esrgan-slim-x$s.safetensors" || return 1; done; }
check models-shipped models
echo "release: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
