#!/usr/bin/env python3
"""Score Inpaint results against the evidence shots, beside two references.

usage: eval.py SHOTDIR RESULTDIR [--json out.json] [--require-identical-outside]

SHOTDIR is either one shot (a folder holding input/ matte/ truth/) or a folder
of shots (as written by make-shots.sh). The result frames of shot S are read
from RESULTDIR/S/ (or RESULTDIR itself when SHOTDIR is one shot); a literal
"{shot}" in RESULTDIR is replaced by the shot name instead, e.g.
'results/{shot}/out'. Frames are matched by the number at the end of the file
name (1001.png, out.1001.png, ...); every input frame needs a result frame.

For each shot it reports, for the result and for two references computed
here from the same input and matte:
  telea          cv2.inpaint(frame, matte, 5, cv2.INPAINT_TELEA), frame by frame
  nearest-frame  each matte pixel takes the input colour at the same position
                 from the temporally nearest frame whose matte is 0 there
                 (the earlier frame wins a tie); pixels covered in every frame
                 keep Telea's value
the metrics
  PSNR-in   PSNR over matte pixels only (matte > 0 in any channel), all three
            RGB channels, 8-bit scale (peak 255); per frame, then the mean
            over frames; a frame with zero error counts as 100 dB
  SSIM-in   SSIM of luma Y = 0.299 R + 0.587 G + 0.114 B (8-bit scale,
            L = 255, K1 = 0.01, K2 = 0.03, 11x11 Gaussian window, sigma 1.5,
            reflected borders), the map computed on the full frame and
            averaged over matte pixels; per frame, then the mean over frames
  outside   pixels outside the matte whose RGB differs from the input at all
            (summed over frames; 0 means byte-identical outside the matte)
Results that are 16-bit are rounded to 8 bits first (x / 257), an alpha
channel is dropped, grey is taken as R = G = B; the table says when it did so.
"""
import argparse
import json
import math
import os
import re
import signal
import sys

import cv2
import numpy as np

PSNR_CAP = 100.0
FRAME_RE = re.compile(r"(\d+)\.png$", re.IGNORECASE)


def frames_in(folder):
    out = {}
    if not os.path.isdir(folder):
        return out
    for name in os.listdir(folder):
        m = FRAME_RE.search(name)
        if m:
            n = int(m.group(1))
            if n in out:
                sys.exit(f"eval: two files for frame {n} in {folder}")
            out[n] = os.path.join(folder, name)
    return out


def load_rgb8(path, notes):
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if img is None:
        sys.exit(f"eval: cannot read {path}")
    if img.dtype == np.uint16:
        notes.add("16-bit rounded to 8")
        img = np.clip(np.rint(img.astype(np.float64) / 257.0), 0, 255).astype(np.uint8)
    elif img.dtype != np.uint8:
        sys.exit(f"eval: {path}: unsupported sample type {img.dtype}")
    if img.ndim == 2:
        notes.add("grey")
        img = np.repeat(img[..., None], 3, axis=2)
    elif img.shape[2] == 4:
        notes.add("alpha dropped")
        img = img[..., :3]
    elif img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    return np.ascontiguousarray(img[..., ::-1])  # BGR -> RGB


def load_matte(path):
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if img is None:
        sys.exit(f"eval: cannot read {path}")
    if img.ndim == 3:
        img = img[..., :3].max(axis=2)
    return img > 0


def luma(rgb):
    f = rgb.astype(np.float64)
    return 0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2]


def ssim_map(a, b):
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(x):
        return cv2.GaussianBlur(x, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

    mu_a, mu_b = blur(a), blur(b)
    saa = blur(a * a) - mu_a * mu_a
    sbb = blur(b * b) - mu_b * mu_b
    sab = blur(a * b) - mu_a * mu_b
    return ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (saa + sbb + c2))


def psnr_in(out, truth, m):
    d = out[m].astype(np.float64) - truth[m].astype(np.float64)
    mse = float(np.mean(d * d))
    return PSNR_CAP if mse == 0 else min(PSNR_CAP, 10 * math.log10(255.0 ** 2 / mse))


def telea(inputs, mattes):
    out = []
    for img, m in zip(inputs, mattes):
        bgr = np.ascontiguousarray(img[..., ::-1])
        res = cv2.inpaint(bgr, m.astype(np.uint8) * 255, 5, cv2.INPAINT_TELEA)
        out.append(np.ascontiguousarray(res[..., ::-1]))
    return out


def nearest_frame(inputs, mattes, fallback):
    """Returns (frames, share of matte pixels that fell back to Telea)."""
    T = len(inputs)
    out, fell, total = [], 0, 0
    for t in range(T):
        res = inputs[t].copy()
        todo = mattes[t].copy()
        total += int(todo.sum())
        for d in range(1, T):
            if not todo.any():
                break
            for s in (t - d, t + d):
                if 0 <= s < T:
                    take = todo & ~mattes[s]
                    res[take] = inputs[s][take]
                    todo &= ~take
        res[todo] = fallback[t][todo]
        fell += int(todo.sum())
        out.append(res)
    return out, (fell / total if total else 0.0)


def score(outs, inputs, truths, mattes):
    ps, ss, diff_px, diff_frames, max_abs = [], [], 0, 0, 0
    for o, i, tr, m in zip(outs, inputs, truths, mattes):
        outside = ~m
        neq = np.any(o != i, axis=2) & outside
        n = int(neq.sum())
        diff_px += n
        diff_frames += n > 0
        if n:
            max_abs = max(max_abs, int(np.abs(o[neq].astype(int) - i[neq].astype(int)).max()))
        if m.any():
            ps.append(psnr_in(o, tr, m))
            ss.append(float(ssim_map(luma(o), luma(tr))[m].mean()))
    return {
        "psnr_in_db": round(float(np.mean(ps)), 3) if ps else None,
        "ssim_in": round(float(np.mean(ss)), 5) if ss else None,
        "psnr_in_db_per_frame": [round(p, 3) for p in ps],
        "ssim_in_per_frame": [round(s, 5) for s in ss],
        "outside_differing_px": diff_px,
        "outside_differing_frames": int(diff_frames),
        "outside_max_abs_diff": max_abs,
    }


def find_shots(shotdir):
    def is_shot(d):
        return all(os.path.isdir(os.path.join(d, s)) for s in ("input", "matte", "truth"))

    if is_shot(shotdir):
        return [(os.path.basename(os.path.normpath(shotdir)), shotdir)], True
    shots = sorted((n, os.path.join(shotdir, n)) for n in os.listdir(shotdir)
                   if is_shot(os.path.join(shotdir, n)))
    if not shots:
        sys.exit(f"eval: no shot (input/ matte/ truth/) in {shotdir}")
    return shots, False


def result_dir(resultdir, shot, single):
    if "{shot}" in resultdir:
        return resultdir.replace("{shot}", shot)
    return resultdir if single else os.path.join(resultdir, shot)


def eval_shot(name, sdir, rdir):
    ins, mts, trs = (frames_in(os.path.join(sdir, s)) for s in ("input", "matte", "truth"))
    res = frames_in(rdir)
    nums = sorted(ins)
    for label, d in (("matte", mts), ("truth", trs), ("result", res)):
        missing = [n for n in nums if n not in d]
        if missing:
            where = rdir if label == "result" else os.path.join(sdir, label)
            sys.exit(f"eval: {name}: {len(missing)} {label} frame(s) missing in {where} (first: {missing[0]})")
    notes = set()
    inputs = [load_rgb8(ins[n], set()) for n in nums]
    truths = [load_rgb8(trs[n], set()) for n in nums]
    mattes = [load_matte(mts[n]) for n in nums]
    results = [load_rgb8(res[n], notes) for n in nums]
    for n, i, r, m in zip(nums, inputs, results, mattes):
        if r.shape != i.shape or m.shape != i.shape[:2]:
            sys.exit(f"eval: {name} frame {n}: sizes differ (input {i.shape}, result {r.shape}, matte {m.shape})")
    tel = telea(inputs, mattes)
    near, fell = nearest_frame(inputs, mattes, tel)
    return {
        "frames": len(nums),
        "first_frame": nums[0],
        "last_frame": nums[-1],
        "matte_px_per_frame": round(float(np.mean([m.sum() for m in mattes])), 1),
        "result_dir": os.path.abspath(rdir),
        "result_notes": sorted(notes),
        "nearest_frame_fallback_share": round(fell, 4),
        "methods": {
            "result": score(results, inputs, truths, mattes),
            "telea": score(tel, inputs, truths, mattes),
            "nearest-frame": score(near, inputs, truths, mattes),
        },
    }


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shotdir")
    ap.add_argument("resultdir")
    ap.add_argument("--json", metavar="OUT", help="also write every number (per frame too) to OUT")
    ap.add_argument("--require-identical-outside", action="store_true",
                    help="exit 2 when a result differs from the input outside the matte")
    args = ap.parse_args()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cv2.setNumThreads(1)

    shots, single = find_shots(args.shotdir)
    report = {
        "metrics": {
            "psnr_in": "PSNR over matte>0 pixels, RGB, peak 255; mean of per-frame values; 0 error = 100 dB",
            "ssim_in": "SSIM on luma (0.299R+0.587G+0.114B), L=255, 11x11 Gaussian sigma 1.5, reflect borders; "
                       "map on full frame averaged over matte>0 pixels; mean of per-frame values",
            "outside": "count of matte==0 pixels whose RGB differs from the input (summed over frames)",
            "telea": "cv2.inpaint(frame, matte, 5, cv2.INPAINT_TELEA) per frame (OpenCV " + cv2.__version__ + ")",
            "nearest-frame": "colour at same position from temporally nearest frame with matte 0 there "
                             "(earlier wins ties); else Telea",
        },
        "shots": {},
    }
    for name, sdir in shots:
        report["shots"][name] = eval_shot(name, sdir, result_dir(args.resultdir, name, single))

    head = f"{'shot':<16} {'method':<14} {'PSNR-in dB':>10} {'SSIM-in':>8} {'outside!=input px':>18}  notes"
    print(head)
    print("-" * len(head))
    means = {}
    for name, r in report["shots"].items():
        for k, (method, s) in enumerate(r["methods"].items()):
            note = ""
            if method == "result" and r["result_notes"]:
                note = ", ".join(r["result_notes"])
            if method == "nearest-frame" and r["nearest_frame_fallback_share"] > 0:
                note = f"{100 * r['nearest_frame_fallback_share']:.1f}% of matte px never uncovered -> Telea"
            if method == "result" and s["outside_differing_px"]:
                note = (note + "; " if note else "") + \
                    f"differs outside in {s['outside_differing_frames']} frame(s), max |d| {s['outside_max_abs_diff']}"
            print(f"{name if k == 0 else '':<16} {method:<14} {fmt(s['psnr_in_db'], '10.2f')} "
                  f"{fmt(s['ssim_in'], '8.4f')} {s['outside_differing_px']:>18}  {note}")
            means.setdefault(method, []).append(s)
        print(f"{'':<16} ({r['frames']} frames {r['first_frame']}-{r['last_frame']}, "
              f"matte {r['matte_px_per_frame']:.0f} px/frame)")
    if len(report["shots"]) > 1:
        print("-" * len(head))
        for k, (method, ss) in enumerate(means.items()):
            p = [s["psnr_in_db"] for s in ss if s["psnr_in_db"] is not None]
            q = [s["ssim_in"] for s in ss if s["ssim_in"] is not None]
            o = sum(s["outside_differing_px"] for s in ss)
            print(f"{'mean of shots' if k == 0 else '':<16} {method:<14} "
                  f"{fmt(float(np.mean(p)) if p else None, '10.2f')} {fmt(float(np.mean(q)) if q else None, '8.4f')} {o:>18}")
    print("PSNR/SSIM inside the matte only; SSIM on luma. 'outside' = pixels outside the matte not byte-identical to the input.")

    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
    if args.require_identical_outside and any(
            r["methods"]["result"]["outside_differing_px"] for r in report["shots"].values()):
        print("eval: the result differs from the input outside the matte", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
