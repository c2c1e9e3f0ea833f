#!/usr/bin/env python3
"""Build the Inpaint evidence shots (see README.md beside this file).

usage: make_shots.py --clip cityCC0.mpg OUTDIR

Writes OUTDIR/<shot>/{input,matte,truth}/%04d.png (8-bit RGB PNG, 640x360,
frames FIRST..FIRST+N-1) and OUTDIR/<shot>/shot.json for the shots
real-occluder, real-logo and synthetic-pan. Everything is seeded; the same
clip, ffmpeg and OpenCV give byte-identical PNGs.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

import cv2
import numpy as np

W, H = 640, 360
FIRST = 1001          # first frame number on disk
N = 40                # frames per shot
CLIP_START = 20       # 0-based index of the first decoded clip frame used
                      # (the clip's first camera shot is frames 0..115; a cut is at 116)
DILATE_PX = 2


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def decode_clip(path, start, count):
    """Decoded frames [start, start+count) of the clip, native size, RGB uint8."""
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=width,height", "-of", "csv=p=0", path],
        check=True, capture_output=True, text=True).stdout.strip().split(",")
    w, h = int(probe[0]), int(probe[1])
    cmd = ["ffmpeg", "-v", "error", "-nostdin", "-threads", "1", "-i", path,
           "-vf", f"trim=start_frame={start}:end_frame={start + count},setpts=PTS-STARTPTS",
           "-sws_flags", "bicubic+accurate_rnd+full_chroma_int+bitexact",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(cmd, check=True, capture_output=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)
    if len(frames) != count:
        sys.exit(f"make_shots: expected {count} frames from {path}, got {len(frames)}")
    return frames


def fit_640x360(rgb):
    """Scale to cover 640x360 (area filter) and centre-crop."""
    h, w = rgb.shape[:2]
    s = max(W / w, H / h)
    nw, nh = max(W, round(w * s)), max(H, round(h * s))
    out = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA)
    x0, y0 = (nw - W) // 2, (nh - H) // 2
    return np.ascontiguousarray(out[y0:y0 + H, x0:x0 + W])


def dilate(mask, px=DILATE_PX):
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * px + 1, 2 * px + 1))
    return cv2.dilate(mask.astype(np.uint8), k) > 0


def composite(bg, fg, alpha):
    a = alpha[..., None].astype(np.float32)
    out = bg.astype(np.float32) * (1 - a) + fg.astype(np.float32) * a
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def disc_alpha(cx, cy, r):
    """Anti-aliased disc coverage (1 px ramp) over the whole frame."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    d = np.sqrt((xx + 0.5 - cx) ** 2 + (yy + 0.5 - cy) ** 2)
    return np.clip(r - d + 0.5, 0.0, 1.0)


def disc_texture(rng, r):
    """An opaque 'ball': concentric rings, a stripe pattern and grain; RGB,
    drawn over a (2r+8)^2 tile centred on the disc."""
    s = 2 * int(np.ceil(r)) + 8
    yy, xx = np.mgrid[0:s, 0:s].astype(np.float32) - (s - 1) / 2
    rad = np.sqrt(xx ** 2 + yy ** 2)
    rings = 0.5 + 0.5 * np.cos(rad * 0.55)
    stripes = 0.5 + 0.5 * np.sin((xx + yy) * 0.35)
    grain = rng.normal(0, 12, (s, s, 3)).astype(np.float32)
    img = np.empty((s, s, 3), np.float32)
    img[..., 0] = 230 * rings + 20
    img[..., 1] = 60 + 150 * stripes * (1 - rings)
    img[..., 2] = 40 + 60 * stripes
    return np.clip(img + grain, 0, 255).astype(np.uint8)


def place_tile(tile, cx, cy):
    """Tile pasted into a full frame so that its centre lands at (cx, cy)
    rounded to whole pixels (the coverage stays sub-pixel)."""
    out = np.zeros((H, W, 3), np.uint8)
    s = tile.shape[0]
    x0, y0 = int(np.floor(cx)) - s // 2, int(np.floor(cy)) - s // 2
    xa, ya, xb, yb = max(x0, 0), max(y0, 0), min(x0 + s, W), min(y0 + s, H)
    if xa < xb and ya < yb:
        out[ya:yb, xa:xb] = tile[ya - y0:yb - y0, xa - x0:xb - x0]
    return out


def write_shot(outdir, name, inputs, mattes, truths, meta):
    for sub in ("input", "matte", "truth"):
        os.makedirs(os.path.join(outdir, name, sub), exist_ok=True)
    px = []
    for i, (inp, m, tr) in enumerate(zip(inputs, mattes, truths)):
        n = FIRST + i
        m8 = np.repeat((m.astype(np.uint8) * 255)[..., None], 3, axis=2)
        for sub, img in (("input", inp), ("matte", m8), ("truth", tr)):
            p = os.path.join(outdir, name, sub, f"{n:04d}.png")
            if not cv2.imwrite(p, cv2.cvtColor(img, cv2.COLOR_RGB2BGR)):
                sys.exit(f"make_shots: cannot write {p}")
        px.append(int(m.sum()))
        outside = ~m
        if not np.array_equal(inp[outside], tr[outside]):
            sys.exit(f"make_shots: {name} frame {n}: input differs from truth outside the matte")
    meta = dict(meta, shot=name, width=W, height=H, first_frame=FIRST,
                last_frame=FIRST + len(inputs) - 1, frames=len(inputs),
                matte_dilation_px=DILATE_PX,
                matte_pixels_min=min(px), matte_pixels_max=max(px),
                matte_pixels_mean=round(float(np.mean(px)), 1),
                layout="input/%04d.png, matte/%04d.png (white = remove), truth/%04d.png")
    with open(os.path.join(outdir, name, "shot.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"  {name}: {len(inputs)} frames, matte {min(px)}..{max(px)} px/frame")


def shot_real_occluder(clean, src_meta):
    rng = np.random.default_rng(1001)
    r = 35.0                                   # 70 px disc
    p0, v = np.array([80.0, 140.0]), np.array([12.5, 2.0])
    tile = disc_texture(rng, r)
    inputs, mattes = [], []
    for t, bg in enumerate(clean):
        cx, cy = p0 + v * t
        a = disc_alpha(cx, cy, r)
        fg = place_tile(tile, cx, cy)
        inputs.append(composite(bg, fg, a))
        mattes.append(dilate(a > 0))
    meta = dict(src_meta, description="real clip + opaque textured disc (70 px) moving at constant velocity",
                object=dict(kind="disc", diameter_px=70, start_centre_px=p0.tolist(),
                            velocity_px_per_frame=v.tolist(), edge="1 px anti-aliased ramp, inside the matte"))
    return inputs, mattes, list(clean), meta


def shot_real_logo(clean, src_meta):
    x0, y0, bw, bh = 496, 26, 120, 50          # 24 px from the right edge, 26 from the top
    logo = np.zeros((bh, bw, 3), np.uint8)
    g = np.linspace(0, 1, bw, dtype=np.float32)[None, :, None]
    logo[:] = np.clip(np.array([20, 40, 120], np.float32) * (1 - g)
                      + np.array([200, 60, 30], np.float32) * g, 0, 255).astype(np.uint8)
    cv2.rectangle(logo, (1, 1), (bw - 2, bh - 2), (255, 255, 255), 2)
    cv2.putText(logo, "WFX 24", (10, 34), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (255, 240, 0), 2, cv2.LINE_AA)
    box = np.zeros((H, W), bool)
    box[y0:y0 + bh, x0:x0 + bw] = True
    matte = dilate(box)
    inputs = []
    for bg in clean:
        f = bg.copy()
        f[y0:y0 + bh, x0:x0 + bw] = logo
        inputs.append(f)
    meta = dict(src_meta, description="real clip + static opaque logo box burnt in near the top-right corner",
                object=dict(kind="static box", x=x0, y=y0, width=bw, height=bh))
    return inputs, [matte] * len(clean), list(clean), meta


def synthetic_background(seed, w2, h2):
    """A deterministic textured plate at 2x resolution: multi-octave coloured
    smooth noise, hard-edged shapes and fine grain."""
    rng = np.random.default_rng(seed)
    img = np.zeros((h2, w2, 3), np.float32)
    for cell, amp in ((160, 45.0), (60, 28.0), (20, 16.0), (6, 9.0)):
        small = rng.normal(0, 1, (h2 // cell + 3, w2 // cell + 3, 3)).astype(np.float32)
        big = cv2.resize(small, ((w2 // cell + 3) * cell, (h2 // cell + 3) * cell),
                         interpolation=cv2.INTER_CUBIC)[:h2, :w2]
        mix = rng.normal(0, 1, (3, 3)).astype(np.float32) / np.sqrt(3)
        img += amp * (big @ mix)
    img += np.array([110, 120, 100], np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(70):
        col = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(0, 3)
        x, y = int(rng.integers(0, w2)), int(rng.integers(0, h2))
        if kind == 0:
            cv2.circle(img, (x, y), int(rng.integers(8, 70)), col, -1, cv2.LINE_AA)
        elif kind == 1:
            cv2.rectangle(img, (x, y), (x + int(rng.integers(10, 140)), y + int(rng.integers(10, 140))), col, -1)
        else:
            cv2.line(img, (x, y), (x + int(rng.integers(-200, 200)), y + int(rng.integers(-200, 200))),
                     col, int(rng.integers(2, 9)), cv2.LINE_AA)
    grain = cv2.GaussianBlur(rng.normal(0, 10, (h2, w2, 3)).astype(np.float32), (0, 0), 0.8)
    return np.clip(img.astype(np.float32) + grain, 0, 255).astype(np.uint8)


def shot_synthetic_pan():
    # Rendered at 2x and box-filtered down, so the (2.5, -1) px/frame pan is a
    # whole-pixel (5, -2) shift at 2x: no resampling differences between frames.
    vx2, vy2 = 5, -2                            # content motion on screen, 2x pixels/frame
    w2, h2 = 1600, 840
    ox0, oy0 = 200, 10                          # crop origin at t = 0 (2x pixels)
    plate = synthetic_background(2024, w2, h2)
    rng = np.random.default_rng(7)
    tile = disc_texture(rng, 40.0)
    p0, v = np.array([580.0, 120.0]), np.array([-11.0, 2.5])
    inputs, mattes, truths = [], [], []
    for t in range(N):
        ox, oy = ox0 - vx2 * t, oy0 - vy2 * t
        crop = plate[oy:oy + 2 * H, ox:ox + 2 * W]
        bg = cv2.resize(crop, (W, H), interpolation=cv2.INTER_AREA)
        cx, cy = p0 + v * t
        # an ellipse-ish object: the disc coverage squashed vertically
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        d = np.sqrt(((xx + 0.5 - cx) / 1.3) ** 2 + (yy + 0.5 - cy) ** 2)
        a = np.clip(32.0 - d + 0.5, 0.0, 1.0)
        fg = place_tile(tile, cx, cy)
        inputs.append(composite(bg, fg, a))
        mattes.append(dilate(a > 0))
        truths.append(bg)
    meta = dict(description="procedural plate (seed 2024) panned, with a moving opaque object",
                source="procedural", plate_seed=2024,
                pan_px_per_frame=[vx2 / 2, vy2 / 2],
                pan_note="content moves (+2.5, -1) px/frame on screen (x right, y down), i.e. up and right",
                object=dict(kind="ellipse 83x64 px", start_centre_px=p0.tolist(),
                            velocity_px_per_frame=v.tolist()))
    return inputs, mattes, truths, meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--clip", required=True, help="the real clip (cityCC0.mpg)")
    ap.add_argument("--clip-origin", default="", help="free text recorded in shot.json")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    os.makedirs(args.outdir, exist_ok=True)

    src_meta = dict(source="real clip", clip_file=os.path.basename(args.clip),
                    clip_sha256=sha256(args.clip), clip_origin=args.clip_origin,
                    clip_frames_used=[CLIP_START, CLIP_START + N - 1],
                    clip_frames_note="0-based decoded frame indices; scaled to 640x360 (INTER_AREA) and centre-cropped")
    clean = [fit_640x360(f) for f in decode_clip(args.clip, CLIP_START, N)]
    write_shot(args.outdir, "real-occluder", *shot_real_occluder(clean, src_meta))
    write_shot(args.outdir, "real-logo", *shot_real_logo(clean, src_meta))
    write_shot(args.outdir, "synthetic-pan", *shot_synthetic_pan())


if __name__ == "__main__":
    main()
