#!/usr/bin/env python3
"""Scores `worldfx extend` against the hidden real future of a PNG sequence.

    eval_extend.py FRAMES_DIR [--hide 16] [--direction forward|backward] [--worldfx ./worldfx]
                   [--quality draft] [--backtest 8] [--json out.json]

FRAMES_DIR holds a shot as NNNN.png (e.g. a make-shots.sh `truth/` folder). The last --hide
frames (--direction backward: the first) are hidden: the rest are copied to a temp folder and
extended by --hide frames with `worldfx extend`; each predicted frame is compared with the hidden
real one (PSNR over RGB, 8-bit scale) side by side with two references computed here:
freeze-last-frame, and the last frame moved along its own flow (OpenCV Farneback flow from the
last frame to the one before, applied h times: constant velocity per pixel); backward, "last"
is the first seen frame and time runs the other way. Prints PSNR per horizon 1, 4, 8, 16, the
colour drift (largest difference of a channel's mean between the predicted and the real frame,
8-bit levels), and the safe length measured on the hidden frames (PSNR >= 25 dB) next to the one
worldfx's back-test predicted.

Two more columns put the margin in context. "oracle": the last frame moved by the flow measured
from the real future frame back to it (OpenCV DIS, medium preset), about the best any method that
warps the last frame can do (it knows the future's motion). "seen part": the scores over only the
pixels that oracle flow takes from inside the last frame, i.e. leaving out the content that enters
at the frame's edge, which no frame showed.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile
import numpy as np
import cv2


def psnr(a, b, mask=None):
    err = (a.astype(np.float64) - b.astype(np.float64)) ** 2
    mse = np.mean(err if mask is None else err[mask])
    return 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("frames")
    ap.add_argument("--hide", type=int, default=16)
    ap.add_argument("--worldfx", default=os.path.join(os.path.dirname(__file__), "..", "..", "worldfx"))
    ap.add_argument("--quality", default="draft")
    ap.add_argument("--backtest", type=int, default=8, help="frames worldfx's back-test hides (default 8)")
    ap.add_argument("--direction", default="forward", choices=["forward", "backward"])
    ap.add_argument("--json")
    a = ap.parse_args()
    names = sorted(f for f in os.listdir(a.frames) if re.fullmatch(r"\d+\.png", f))
    if len(names) < a.hide + 3:
        sys.exit(f"eval_extend: {len(names)} frames in {a.frames}; need at least {a.hide + 3}")
    digits = len(names[0]) - 4
    if a.direction == "forward":
        seen, hidden = names[:-a.hide], names[-a.hide:]
    else:  # hidden[k-1] is k frames before the first seen one; seen[-1] the frame the prediction starts from
        seen, hidden = names[a.hide:][::-1], names[:a.hide][::-1]
    tmp = tempfile.mkdtemp(prefix="eval-extend-")
    try:
        os.makedirs(os.path.join(tmp, "in"))
        for n in seen:
            shutil.copy(os.path.join(a.frames, n), os.path.join(tmp, "in", n))
        pattern = "%0" + str(digits) + "d.png"
        cmd = [a.worldfx, "extend", "--input", os.path.join(tmp, "in", pattern), "--output",
               os.path.join(tmp, "out", pattern), "--frames", str(a.hide), "--direction", a.direction,
               "--quality", a.quality, "--backtest", str(a.backtest), "--report", os.path.join(tmp, "report.json")]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("eval_extend: worldfx extend failed:\n" + r.stderr)
        report = json.load(open(os.path.join(tmp, "report.json")))
        last = cv2.imread(os.path.join(a.frames, seen[-1]))
        before = cv2.imread(os.path.join(a.frames, seen[-2]))
        g1 = cv2.cvtColor(last, cv2.COLOR_BGR2GRAY)
        g0 = cv2.cvtColor(before, cv2.COLOR_BGR2GRAY)
        flow = cv2.calcOpticalFlowFarneback(g1, g0, None, 0.5, 4, 21, 5, 7, 1.5, 0)  # last -> before
        h, w = g1.shape
        xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
        rows = []
        for k, n in enumerate(hidden, start=1):
            truth = cv2.imread(os.path.join(a.frames, n))
            ours = cv2.imread(os.path.join(tmp, "out", n))
            # content at p in frame last+k was at p + k*flow(p) in the last frame (constant velocity)
            extrap = cv2.remap(last, xs + k * flow[..., 0], ys + k * flow[..., 1], cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
            drift = float(np.max(np.abs(ours.reshape(-1, 3).mean(0) - truth.reshape(-1, 3).mean(0))))
            # oracle: the last frame moved by the flow measured from the real future frame back to it (DIS),
            # about the best a warp of the last frame can do; "seen": the pixels that flow takes from inside it
            fut = dis.calc(cv2.cvtColor(truth, cv2.COLOR_BGR2GRAY), g1, None)
            sx, sy = xs + fut[..., 0], ys + fut[..., 1]
            oracle = cv2.remap(last, sx, sy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            seen_px = (sx >= 0) & (sy >= 0) & (sx <= w - 1) & (sy <= h - 1)
            rows.append({"horizon": k, "ours": psnr(ours, truth), "freeze": psnr(last, truth),
                         "flow": psnr(extrap, truth), "oracle": psnr(oracle, truth), "colourDrift": drift,
                         "seenShare": float(seen_px.mean()), "oursSeen": psnr(ours, truth, seen_px),
                         "freezeSeen": psnr(last, truth, seen_px), "flowSeen": psnr(extrap, truth, seen_px)})
        print(f"{a.frames}: {len(seen)} frames seen, {a.hide} hidden ({a.direction}); PSNR dB (8-bit) per horizon")
        print("  horizon    ours  freeze    flow  margin  oracle  colour drift | seen part: share   ours    flow  margin")
        for row in rows:
            if row["horizon"] in (1, 4, 8, 16):
                best = max(row["freeze"], row["flow"])
                best_seen = max(row["freezeSeen"], row["flowSeen"])
                print(f"  {row['horizon']:7d} {row['ours']:7.2f} {row['freeze']:7.2f} {row['flow']:7.2f}  "
                      f"{row['ours'] - best:+6.2f} {row['oracle']:7.2f}  {row['colourDrift']:12.2f} |"
                      f"            {row['seenShare']:5.3f} {row['oursSeen']:6.2f} {row['flowSeen']:7.2f}  "
                      f"{row['oursSeen'] - best_seen:+6.2f}")
        bt = report.get("backtest")
        measured = 0
        while measured < len(rows) and rows[measured]["ours"] >= 25.0:
            measured += 1
        print(f"  measured safe length on the hidden frames (PSNR >= 25 dB): {measured}")
        if bt:
            print(f"  back-test inside worldfx (on the seen frames): safe length {bt['safeLength']} of "
                  f"{bt['frames']} at {bt['thresholdDb']} dB")
        if a.json:
            json.dump({"rows": rows, "backtest": bt, "measuredSafeLength": measured}, open(a.json, "w"), indent=2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
