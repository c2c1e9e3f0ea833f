#!/usr/bin/env bash
# Runs `worldfx inpaint` over every shot made by make-shots.sh:
#   run-inpaint.sh SHOTS RESULTS [extra inpaint args, e.g. --quality final --seed 1]
# writes RESULTS/<shot>/%04d.png (+ RESULTS/<shot>/report.json), the layout eval.py reads.
# WORLDFX overrides the launcher (default: the repository's ./worldfx).
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 SHOTS RESULTS [inpaint args...]" >&2
  exit 64
fi
SHOTS=$1 RESULTS=$2
shift 2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORLDFX=${WORLDFX:-$HERE/../../worldfx}
found=0
for dir in "$SHOTS"/*/; do
  shot=$(basename "$dir")
  [[ -d $dir/input && -d $dir/matte ]] || continue
  found=1
  mkdir -p "$RESULTS/$shot"
  echo "run-inpaint: $shot"
  start=$(date +%s%N)
  "$WORLDFX" inpaint --input "$dir/input/%04d.png" --matte "$dir/matte/%04d.png" \
    --output "$RESULTS/$shot/%04d.png" --report "$RESULTS/$shot/report.json" "$@"
  echo "run-inpaint: $shot took $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
[[ $found -eq 1 ]] || { echo "run-inpaint: no shots in $SHOTS" >&2; exit 1; }
