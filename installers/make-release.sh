#!/usr/bin/env bash
# Makes target/worldfx-<version>-linux-x86_64.tar.gz: the bundle, the worldfx CLI with its
# own Java runtime, the test host (to check an install), README and third-party licences.
#   make-release.sh JAVA_HOME REPO_ROOT INSTALLERS_TARGET VERSION
set -euo pipefail
JDK="$1"; ROOT="$2"; TARGET="$3"; VERSION="$4"
HERE="$(cd "$(dirname "$0")" && pwd)"
NAME="worldfx-$VERSION-linux-x86_64"
OUT="$TARGET/release"
STAGE="$OUT/$NAME"
CLI_RUNTIME="$TARGET/cli-runtime"
# The CLI writes PNGs through javax.imageio (java.desktop), reports peak heap (java.management) and serves `worldfx panel`
# (jdk.httpserver); the rest as the bundle.
CLI_MODULES="java.base,java.logging,jdk.unsupported,java.desktop,java.management,jdk.httpserver,jdk.incubator.vector"

if [[ ! -x "$CLI_RUNTIME/bin/java" || "$(cat "$CLI_RUNTIME/.modules" 2>/dev/null)" != "$CLI_MODULES" ]]; then
  rm -rf "$CLI_RUNTIME"
  "$JDK/bin/jlink" --add-modules "$CLI_MODULES" --strip-debug --no-header-files --no-man-pages --compress zip-6 \
    --output "$CLI_RUNTIME"
  find "$CLI_RUNTIME" -name '*.so' -exec strip --strip-unneeded {} +
  echo "$CLI_MODULES" > "$CLI_RUNTIME/.modules"
fi

if [[ ! -f "$TARGET/WorldFX.ofx.bundle/Contents/Resources/models/models.json" ]]; then
  echo "make-release: the bundle has no shipped models (see $TARGET/fetch-models.log)" >&2
  exit 1
fi
rm -rf "$OUT"
mkdir -p "$STAGE/bin" "$STAGE/lib"
cp -a "$TARGET/WorldFX.ofx.bundle" "$STAGE/"
cp "$ROOT/cli/target/worldfx-cli.jar" "$STAGE/lib/"
tr ':' '\n' < "$ROOT/cli/target/cli.classpath" | while read -r jar || [[ -n "$jar" ]]; do [[ -n "$jar" ]] && cp "$jar" "$STAGE/lib/"; done
cp -a "$CLI_RUNTIME" "$STAGE/runtime"
rm -f "$STAGE/runtime/.modules"
cp "$ROOT/native/target/ofx-test-host" "$STAGE/bin/"
cp "$ROOT/README.md" "$HERE/THIRD-PARTY.md" "$STAGE/"
cp -r "$HERE/licenses" "$STAGE/licenses"
cat > "$STAGE/bin/worldfx" <<'LAUNCHER'
#!/usr/bin/env bash
# worldfx from a release: runs on the Java runtime shipped beside it, never on a system JDK.
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The JVM's stderr minus its one-line notice that the Vector API is an incubator module (always its first line), the
# rest passed on as it comes (a progress bar redrawn with \r shows at once); Ctrl-C is ignored here so that worldfx's
# own line saying it cancelled still gets through.
drop_incubator_notice() {
  trap '' INT
  local first
  if IFS= read -r first; then
    [[ "$first" == 'WARNING: Using incubator modules: jdk.incubator.vector' ]] || printf '%s\n' "$first"
  fi
  exec cat
}
# worldfx draws a progress bar only on a terminal; the JVM's stderr is the pipe above, so it is told.
tty=false
[[ -t 2 ]] && tty=true
exec "$HERE/runtime/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC \
  --add-modules=jdk.incubator.vector -Dworldfx.stderr.tty="$tty" \
  -Dworldfx.root="$HERE" -Dworldfx.bundle="$HERE/WorldFX.ofx.bundle" -Dworldfx.testhost="$HERE/bin/ofx-test-host" \
  -cp "$HERE/lib/*" dev.worldfx.cli.Main "$@" \
  2> >(drop_incubator_notice >&2)
LAUNCHER
chmod +x "$STAGE/bin/worldfx"

# Every shipped jar must be listed with its licence.
unlisted=()
for jar in "$STAGE"/lib/*.jar "$STAGE"/WorldFX.ofx.bundle/Contents/Resources/lib/*.jar; do
  artifact="$(basename "$jar" .jar | sed -E 's/-[0-9].*$//')"
  [[ "$artifact" == worldfx-* ]] && continue
  grep -q "^| $artifact |" "$HERE/THIRD-PARTY.md" || unlisted+=("$artifact")
done
if ((${#unlisted[@]})); then
  echo "make-release: jars without a licence row in installers/THIRD-PARTY.md: ${unlisted[*]}" >&2
  exit 1
fi
tar -C "$OUT" -czf "$TARGET/$NAME.tar.gz" "$NAME"
echo "release: $TARGET/$NAME.tar.gz ($(du -h "$TARGET/$NAME.tar.gz" | cut -f1); bundle runtime $(du -sh "$STAGE/WorldFX.ofx.bundle/Contents/Resources/runtime" | cut -f1), CLI runtime $(du -sh "$STAGE/runtime" | cut -f1))"
