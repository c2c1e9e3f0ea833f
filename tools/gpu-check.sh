#!/usr/bin/env bash
# GPU check of the CUDA backend (issue 5), in one run: the CUDA libraries found, the doctor's selection, the *IT
# parity suite (every GPU op against the CPU backend, device counters asserted), `worldfx bench kernels --backend
# cuda`, `worldfx bench extend` (ExtendShot's solve, draft) on the GPU and on the CPU, and an end-to-end node
# render (`worldfx demo`) with --backend cuda compared against --backend cpu.
# Everything is printed; the exit status is 0 only if every step passed.
#
# It runs on a GPU machine that has only this work tree and the folder .gpu-carry/ (no Maven, no JDK, no network).
#
# 1. On a build machine (JDK 25 and Maven, as for ./worldfx build), from the work tree's root:
#      tools/gpu-check.sh prepare
#    builds the jars and fills .gpu-carry/ (git-ignored, about 45 MB): a jlink Java runtime as runtime.tar.xz
#    (kept while its module list is unchanged; making it takes minutes), all runtime jars in the layout `worldfx
#    bench` expects (benchmarks/target/), the JUnit console launcher and the compiled inference tests.
# 2. On the GPU machine, from the work tree's root:
#      bash tools/gpu-check.sh
#    with the device tool: command "set -o pipefail; bash tools/gpu-check.sh 2>&1 | tee $OUT/gpu-check.log",
#    carry [".gpu-carry"], timeout_s 600 (the steps' own limits add up to less; a typical run takes a few minutes).
#    CUDA libraries are looked for in WORLDFX_CUDA_LIBS, CUDA_PATH, LD_LIBRARY_PATH, ldconfig's cache, /usr/local/cuda*
#    and Python's nvidia-* wheels (cuDNN for CUDA 13 often comes only as the nvidia-cudnn-cu13 wheel). Without cuDNN
#    the convolutions fall back to the CPU: the parity suite then fails on them, saying so.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CARRY="$ROOT/.gpu-carry"
LIB="$CARRY/benchmarks/target/lib"
JUNIT_VERSION=6.1.3
# the modules the CLI, the benchmarks and the JUnit console launcher use (jdeps --print-module-deps over the jars)
MODULES="java.base,java.logging,jdk.unsupported,java.desktop,jdk.incubator.vector,java.management,jdk.management,java.xml,jdk.jfr,java.sql,java.compiler,jdk.httpserver"

prepare() {
  set -e
  local jdk=""
  for d in "${WORLDFX_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    if [[ -n "$d" && -x "$d/bin/jlink" ]] && "$d/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; then
      jdk="$d"; break
    fi
  done
  [[ -n "$jdk" ]] || { echo "gpu-check prepare: no JDK 25 or newer with jlink found (set WORLDFX_JAVA_HOME)" >&2; exit 1; }
  cd "$ROOT"
  ./worldfx mvn -q -pl cli,benchmarks -am package -DskipTests
  ./worldfx mvn -q -pl inference test-compile
  mkdir -p "$CARRY"
  rm -rf "$CARRY/benchmarks" "$CARRY/test"
  mkdir -p "$LIB" "$CARRY/test"
  cp cli/target/worldfx-cli.jar cli/target/lib/*.jar "$LIB/"
  # the benchmarks' own dependencies less OpenBLAS (only the CPU benchmark uses it)
  find benchmarks/target/lib -name '*.jar' ! -name 'openblas*' -exec cp {} "$LIB/" \;
  cp benchmarks/target/worldfx-benchmarks.jar "$CARRY/benchmarks/target/"
  "$jdk/bin/jar" cf "$CARRY/test/inference-tests.jar" -C inference/target/test-classes dev
  ./worldfx mvn -q -N dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_VERSION" \
    -DoutputDirectory="$CARRY/test"
  if [[ ! -f "$CARRY/runtime.tar.xz" || "$(cat "$CARRY/runtime.modules" 2>/dev/null)" != "$MODULES" ]]; then
    local tmp; tmp="$(mktemp -d)"
    "$jdk/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress zip-0 \
      --output "$tmp/runtime" 2> >(grep -v 'incubator modules' >&2)
    find "$tmp/runtime" -name '*.so' -exec strip --strip-unneeded {} +
    # uncompressed modules, then xz over all: about a fifth of jlink's own zip compression
    tar -C "$tmp" -cf - runtime | xz -T2 -9 > "$CARRY/runtime.tar.xz.part"
    mv "$CARRY/runtime.tar.xz.part" "$CARRY/runtime.tar.xz"
    echo "$MODULES" > "$CARRY/runtime.modules"
    rm -rf "$tmp"
  fi
  du -sh "$CARRY"
  echo "prepared: carry .gpu-carry and run 'bash tools/gpu-check.sh' on the GPU machine"
}

# --- on the GPU machine ----------------------------------------------------------------------------------------

FAILED=()
step() { echo; echo "=== $* ==="; }
result() { if [[ "$1" == 0 ]]; then echo "--- $2: PASS"; else echo "--- $2: FAIL (exit $1)"; FAILED+=("$2"); fi; }

# Folders holding the CUDA 13 libraries the backend loads (libcuda.so.1, libcudart.so.13, libcublas.so.13 with
# libcublasLt.so.13, libnvrtc.so.13 with its builtins, libcudnn.so.9 with its sub-libraries).
find_cuda_libs() {
  local names=(libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libnvrtc.so.13 libcudnn.so.9)
  local roots=()
  local ld="${LD_LIBRARY_PATH:-}"
  for d in "${WORLDFX_CUDA_LIBS:-}" "${CUDA_PATH:+$CUDA_PATH/lib64}" ${ld//:/ } /usr/local/cuda*/lib64 \
           /usr/local/cuda*/targets/x86_64-linux/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64; do
    [[ -n "$d" && -d "$d" ]] && roots+=("$d")
  done
  for py in python3 /opt/torch/.venv/bin/python3; do
    command -v "$py" >/dev/null 2>&1 || continue
    while read -r d; do [[ -d "$d" ]] && roots+=("$d"); done < <("$py" - <<'PY' 2>/dev/null
import glob, os, site
dirs = set()
for sp in site.getsitepackages() + [site.getusersitepackages()]:
    for lib in glob.glob(os.path.join(sp, "nvidia", "**", "lib*.so*"), recursive=True):
        dirs.add(os.path.dirname(lib))
print("\n".join(sorted(dirs)))
PY
)
  done
  CUDA_DIRS=()
  for n in "${names[@]}"; do
    local found=""
    for d in "${roots[@]}"; do
      if [[ -e "$d/$n" ]]; then found="$d/$n"; break; fi
    done
    if [[ -z "$found" ]]; then
      found="$(ldconfig -p 2>/dev/null | awk -v n="$n" '$1 == n { print $NF; exit }')"
    fi
    if [[ -n "$found" ]]; then
      printf '  %-20s %s\n' "$n" "$found"
      local dir; dir="$(dirname "$found")"
      [[ " ${CUDA_DIRS[*]-} " == *" $dir "* ]] || CUDA_DIRS+=("$dir")
    else
      printf '  %-20s MISSING\n' "$n"
    fi
  done
}

check() {
  [[ -f "$CARRY/runtime.tar.xz" && -d "$LIB" ]] || {
    echo "gpu-check: $CARRY is missing or incomplete: run 'tools/gpu-check.sh prepare' on a build machine and carry it" >&2
    exit 2
  }
  local work; work="$(mktemp -d /tmp/worldfx-gpu-check.XXXXXX)"
  step "machine"
  uname -srm
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv 2>&1
  else
    echo "nvidia-smi not found"
  fi
  tar -C "$work" -xJf "$CARRY/runtime.tar.xz"
  JAVA="$work/runtime/bin/java"
  "$JAVA" -version 2>&1 | head -1
  local flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC
               --add-modules=jdk.incubator.vector)
  # JavaCPP unpacks its JNI glue here
  export HOME="${HOME:-$work}"

  step "CUDA libraries"
  find_cuda_libs
  if ((${#CUDA_DIRS[@]})); then
    LD_LIBRARY_PATH="$(IFS=:; echo "${CUDA_DIRS[*]}")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LD_LIBRARY_PATH
    echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  fi

  local cli=("$JAVA" "${flags[@]}" -Dworldfx.root="$CARRY" -cp "$LIB/*" dev.worldfx.cli.Main)

  step "doctor --backend cuda"
  timeout 120 "${cli[@]}" doctor --backend cuda > "$work/doctor.txt" 2>&1
  local rc=$?
  grep -v 'incubator modules' "$work/doctor.txt"
  # the parity suite skips where the device is not usable: that is a failure here, not a pass
  if [[ "$rc" == 0 ]] && ! grep -q '^Backend:     cuda' "$work/doctor.txt"; then
    echo "the CUDA backend is not usable on this machine (see Backend:/GPU: above)"; rc=1
  fi
  result "$rc" "CUDA backend selected"

  step "parity suite (CudaParityIT)"
  timeout 240 "$JAVA" "${flags[@]}" -Xmx16g -jar "$CARRY/test/junit-platform-console-standalone-$JUNIT_VERSION.jar" \
    execute --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests \
    --class-path "$CARRY/test/inference-tests.jar$(printf ':%s' "$LIB"/*.jar)" \
    --select-class dev.worldfx.inference.cuda.CudaParityIT > "$work/parity.txt" 2>&1
  rc=$?
  grep -v 'incubator modules' "$work/parity.txt"
  # skipped (aborted) tests mean no device: not a pass
  if [[ "$rc" == 0 ]] && ! grep -Eq '^\[ +0 tests aborted' "$work/parity.txt"; then rc=1; fi
  result "$rc" "parity suite"

  step "worldfx bench kernels --backend cuda"
  timeout 180 "${cli[@]}" bench kernels --backend cuda 2>&1 | grep -v 'incubator modules'
  result "${PIPESTATUS[0]}" "kernel bench"

  step "worldfx bench extend (draft, 48 frames 640x360 + 16), cuda then cpu"
  for b in cuda cpu; do
    echo "-- --backend $b"
    timeout 240 "${cli[@]}" bench extend --quality draft --backend "$b" > "$work/bench-extend-$b.txt" 2>&1
    local rc=$?
    grep -v 'incubator modules' "$work/bench-extend-$b.txt"
    # the table's last column is the backend the case computed on: a fallback to the CPU is not a GPU figure
    if [[ "$rc" == 0 ]] && ! grep -Eq '^  640x360 +draft .* '"$b"'$' "$work/bench-extend-$b.txt"; then
      echo "   the case did not compute on $b"; rc=1
    fi
    result "$rc" "extend bench ($b)"
  done

  step "end-to-end: worldfx demo (Inpaint, ExtendShot, Generate) 320x180, 8 frames, cuda then cpu"
  local ok=0
  for b in cuda cpu; do
    echo "-- --backend $b"
    local t0=$SECONDS
    WORLDFX_CACHE="$work/cache-$b" timeout 150 "${cli[@]}" demo --out "$work/demo-$b" --frames 8 --backend "$b" \
      > "$work/demo-$b.txt" 2>&1
    local rc=$?
    grep -v 'incubator modules' "$work/demo-$b.txt"
    echo "   exit $rc after $((SECONDS - t0)) s"
    [[ "$rc" == 0 ]] || ok=1
  done
  # the demo says what ran on the device; none (or a fallback) means the render was not a GPU render
  if ! grep -q '^backend cuda: [1-9][0-9]* ops on the device' "$work/demo-cuda.txt"; then
    echo "   the cuda render did not run ops on the device"; ok=1
  fi
  if grep -q 'falls back from cuda' "$work/demo-cuda.txt"; then
    echo "   some ops fell back from the GPU (see the warnings above)"; ok=1
  fi
  # how close the GPU render is to the CPU one (information: iterative solvers may take other branches on
  # float-level differences, so this is not a pass/fail figure)
  python3 - "$work/demo-cuda" "$work/demo-cpu" <<'PY'
import math, os, sys
try:
    from PIL import Image
    import numpy as np
except ImportError:
    print("   (PIL/numpy missing: frames not compared)"); sys.exit(0)
a_dir, b_dir = sys.argv[1], sys.argv[2]
for root, _, files in sorted(os.walk(a_dir)):
    pngs = sorted(f for f in files if f.endswith(".png"))
    if not pngs:
        continue
    vals = []
    for f in pngs:
        a = np.asarray(Image.open(os.path.join(root, f)), dtype=np.float64)
        b = np.asarray(Image.open(os.path.join(b_dir, os.path.relpath(root, a_dir), f)), dtype=np.float64)
        mse = float(np.mean((a - b) ** 2))
        vals.append(float("inf") if mse == 0 else 10 * math.log10((65535.0 if a.max() > 255 else 255.0) ** 2 / mse))
    print(f"   {os.path.relpath(root, a_dir)}: {len(vals)} frames, PSNR cuda vs cpu worst {min(vals):.1f} dB, "
          f"median {sorted(vals)[len(vals) // 2]:.1f} dB")
PY
  result "$ok" "end-to-end render"

  step "summary"
  if ((${#FAILED[@]})); then echo "FAILED: ${FAILED[*]}"; exit 1; fi
  echo "all steps passed"
}

case "${1:-check}" in
  prepare) prepare ;;
  check) check ;;
  *) echo "usage: tools/gpu-check.sh [prepare|check]" >&2; exit 2 ;;
esac
