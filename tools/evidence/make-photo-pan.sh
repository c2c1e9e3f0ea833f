#!/usr/bin/env bash
# A pan over a large real photo, for ExtendShot's evidence: 40 frames, 640x360, numbered 1001-1040,
# cropped at whole-pixel steps of (+3, +1) px/frame from a photo halved to 1280x800 (INTER_AREA),
# so every frame is the same photo exactly shifted and the hidden future is known.
#   tools/evidence/make-photo-pan.sh OUTDIR        then: tools/evidence/eval_extend.py OUTDIR --hide 16
# The photo: "ColorfulCups" (2560x1600 JPEG) from Debian 12's plasma-workspace-wallpapers
# (4:5.27.5-2, 94 MB, fetched with apt-get download and unpacked in a temp folder; not installed,
# not kept). Needs python3-opencv.
set -euo pipefail
out="${1:?usage: make-photo-pan.sh OUTDIR}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download plasma-workspace-wallpapers >/dev/null && dpkg-deb -x plasma-workspace-wallpapers_*.deb x)
mkdir -p "$out"
/usr/bin/python3 - "$tmp/x/usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg" "$out" <<'PY'
import sys, cv2
img = cv2.resize(cv2.imread(sys.argv[1]), (1280, 800), interpolation=cv2.INTER_AREA)
for t in range(40):
    x, y = 100 + 3 * t, 150 + t
    cv2.imwrite(f"{sys.argv[2]}/{1001 + t:04d}.png", img[y:y + 360, x:x + 640])
PY
echo "make-photo-pan: 40 frames in $out"
