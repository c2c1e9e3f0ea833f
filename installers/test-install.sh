#!/usr/bin/env bash
# Install tests on the real bundle (run by `mvn verify` after the C test host):
#   install into a temporary prefix and load it from there with the test host;
#   an install killed mid-copy leaves the previous version loadable;
#   reinstall cleans up; uninstall leaves nothing behind.
#   test-install.sh JAVA ROOT BUNDLE TEST_HOST
set -uo pipefail
JAVA="$1"; ROOT="$2"; BUNDLE="$3"; HOST="$4"
cli() { (run_cli "$@"); }
run_cli() { # exec: so that $! of a background call is the JVM itself
  exec "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Dworldfx.bundle="$BUNDLE" \
    -cp "$ROOT/cli/target/worldfx-cli.jar:$ROOT/cli/target/lib/*" dev.worldfx.cli.Main "$@"
}
pass=0; fail=0
check() { # name, then a command that must succeed
  local name="$1"; shift
  if "$@" >/dev/null 2>&1; then echo "PASS install/$name"; pass=$((pass + 1)); else echo "FAIL install/$name"; fail=$((fail + 1)); fi
}
loads() { "$HOST" --only load "$1/WorldFX.ofx.bundle" | grep -q '^[1-9][0-9]* passed, 0 failed'; }
no_temps() { ! ls -A "$1" | grep -q '^\.WorldFX-'; }

TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
export WORLDFX_CACHE="$TMP/cache" # Inpaint solves go to a cache of this run, not the user's
DIR="$TMP/Plugins"
check fresh-install cli install --path "$DIR"
check loads-from-install-folder loads "$DIR"
check mtimes-kept-for-class-archive test "$(stat -c %Y "$DIR/WorldFX.ofx.bundle/Contents/Resources/lib/$(ls "$BUNDLE/Contents/Resources/lib" | head -1)")" \
  = "$(stat -c %Y "$BUNDLE/Contents/Resources/lib/$(ls "$BUNDLE/Contents/Resources/lib" | head -1)")"

# Kill an install in the middle of its copy.
(WORLDFX_INSTALL_TEST_PAUSE_AFTER_FILES=40 run_cli install --path "$DIR" >"$TMP/paused.log" 2>&1) &
pid=$!
for _ in $(seq 1 200); do grep -q "install paused" "$TMP/paused.log" && break; sleep 0.05; done
check paused-mid-copy grep -q "install paused" "$TMP/paused.log"
kill -9 "$pid"; wait "$pid" 2>/dev/null
half_copy_hidden() { ls -A "$1" | grep -q '^\.WorldFX-installing-'; }
check half-copy-left-under-a-hidden-name half_copy_hidden "$DIR"
check previous-version-still-loads loads "$DIR"
check reinstall-after-kill cli install --path "$DIR"
check leftovers-cleaned no_temps "$DIR"
check reinstalled-loads loads "$DIR"

# Someone else's bundle of the same name is never replaced or removed.
FOREIGN="$TMP/Foreign"; mkdir -p "$FOREIGN/WorldFX.ofx.bundle/Contents"; echo theirs > "$FOREIGN/WorldFX.ofx.bundle/Contents/x"
refuses() { ! cli install --path "$1"; }
check refuses-foreign-bundle refuses "$FOREIGN"
check foreign-untouched grep -q theirs "$FOREIGN/WorldFX.ofx.bundle/Contents/x"

check uninstall cli uninstall --path "$DIR"
check nothing-left-behind test -z "$(ls -A "$DIR")"
echo "install: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
