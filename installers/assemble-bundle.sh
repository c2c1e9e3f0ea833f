#!/usr/bin/env bash
# Assembles target/WorldFX.ofx.bundle: the shim, a jlink runtime with only the modules
# the bridge needs, and the jars. Built in a staging folder, then renamed into place, so
# a host scanning target/ never sees half a bundle.
#   assemble-bundle.sh JAVA_HOME NATIVE_TARGET INSTALLERS_TARGET VERSION
set -euo pipefail
JDK="$1"; NATIVE="$2"; TARGET="$3"; VERSION="$4"
HERE="$(cd "$(dirname "$0")" && pwd)"
BUNDLE="$TARGET/WorldFX.ofx.bundle"
STAGE="$TARGET/.WorldFX.ofx.bundle.staging"
RUNTIME="$TARGET/runtime"   # jlink output, reused while the module list is unchanged
# java.base carries FFM; Guice needs java.logging and jdk.unsupported (sun.misc.Unsafe); the
# inference kernels need jdk.incubator.vector; the web panel (ui-panels) needs jdk.httpserver.
MODULES="java.base,java.logging,jdk.unsupported,jdk.httpserver,jdk.incubator.vector"

if [[ ! -x "$RUNTIME/bin/java" || "$(cat "$RUNTIME/.modules" 2>/dev/null)" != "$MODULES" ]]; then
  rm -rf "$RUNTIME"
  "$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --compress zip-6 --output "$RUNTIME"
  # Symbols are for debugging the JDK itself; without them libjvm is about 10 MB smaller.
  find "$RUNTIME" -name '*.so' -exec strip --strip-unneeded {} +
  # The default CDS archive is dumped without --enable-native-access, and the JVM drops
  # its archived module graph when the flag differs; dump it again with our flags.
  "$RUNTIME/bin/java" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector \
    -Xshare:dump -Xlog:cds=off >/dev/null 2>&1
  echo "$MODULES" > "$RUNTIME/.modules"
fi

rm -rf "$STAGE"
mkdir -p "$STAGE/Contents/Linux-x86-64" "$STAGE/Contents/Resources/lib"
cp "$NATIVE/WorldFX.ofx" "$STAGE/Contents/Linux-x86-64/WorldFX.ofx"
tr ':' '\n' < "$TARGET/bundle.classpath" | while read -r jar || [[ -n "$jar" ]]; do [[ -n "$jar" ]] && cp "$jar" "$STAGE/Contents/Resources/lib/"; done
cp -a "$RUNTIME" "$STAGE/Contents/Resources/runtime"
rm -f "$STAGE/Contents/Resources/runtime/.modules"
# Icons: hosts look for Contents/Resources/<plugin id>.png (and .svg).
cp "$HERE"/src/icons/*.png "$HERE"/src/icons/*.svg "$STAGE/Contents/Resources/"
# Shipped models, converted from their public releases (ESRGAN-slim from npm). Without npm or
# network the bundle is built without them, with a warning; the release tarball refuses that.
if PKG="$("$HERE/../inference/fetch-test-models.sh" 2>"$TARGET/fetch-models.log")"; then
  # (the JVM's incubator-module notice is expected here; other errors still show)
  "$JDK/bin/java" --add-modules jdk.incubator.vector -cp "$STAGE/Contents/Resources/lib/*" \
    dev.worldfx.inference.models.ShippedModels "$PKG" "$STAGE/Contents/Resources/models" \
    2> >(grep -v '^WARNING: Using incubator modules' >&2)
else
  echo "warning: models not fetched ($(tail -1 "$TARGET/fetch-models.log")); bundle built without shipped models" >&2
fi
COMMIT="$(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo unknown)"
printf 'WorldFX %s (commit %s)\n' "$VERSION" "$COMMIT" > "$STAGE/Contents/Resources/VERSION"
# The installer replaces a bundle only when this marker says it is ours.
cat > "$STAGE/Contents/Resources/worldfx-bundle.properties" <<PROPS
vendor=dev.worldfx
version=$VERSION
commit=$COMMIT
plugins=dev.worldfx.Inpaint,dev.worldfx.ExtendShot,dev.worldfx.Generate
PROPS
# Class-data archive of what a host's first load and render use: boot ~200 ms instead of ~300.
# The test host drives the staged bundle with the shim in its build-only dump mode.
WORLDFX_CDS_DUMP="$STAGE/Contents/Resources/worldfx.jsa" WORLDFX_LOG_DIR="$TARGET/cds-training-logs" \
  "$NATIVE/ofx-test-host" --only render/ "$STAGE" >"$TARGET/cds-training.log" 2>&1 \
  || { echo "class-data archive training failed; see $TARGET/cds-training.log" >&2; exit 1; }
rm -rf "$BUNDLE.old"
[[ -d "$BUNDLE" ]] && mv "$BUNDLE" "$BUNDLE.old"
mv "$STAGE" "$BUNDLE"
rm -rf "$BUNDLE.old"
echo "WorldFX.ofx.bundle: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1), runtime $(du -sh "$BUNDLE/Contents/Resources/runtime" | cut -f1))"
