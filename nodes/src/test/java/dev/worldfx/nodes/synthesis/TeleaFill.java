package dev.worldfx.nodes.synthesis;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Single-frame inpainting by the fast marching method, written from A. Telea, "An Image
 * Inpainting Technique Based on the Fast Marching Method", J. Graphics Tools 9(1), 2004: the
 * hole is filled in order of distance T from its border; each new pixel is the weighted mean of
 * the known pixels q within radius ε, with weight dir·dst·lev (eq. 5–8). The paper's first-order
 * term ∇I(q)·(p − q) is left out: on our sharp-edged texture it compounds layer by layer (values
 * reached 14 on a [0,1] image), and OpenCV's cv::inpaint bounds it to about one grey level by
 * normalising it, so the weighted mean is what the "OpenCV-style" reference computes in effect.
 * Test only, never shipped.
 */
public final class TeleaFill {
  private static final byte KNOWN = 0, BAND = 1, INSIDE = 2;
  private static final double FAR = 1e6;

  private TeleaFill() {
  }

  private record Entry(double t, int pixel) {
  }

  public static ImagePlanes fill(ImagePlanes image, HoleMask hole, int epsilon) {
    int w = image.width(), h = image.height(), plane = image.plane(), ch = image.channels();
    ImagePlanes out = image.copy();
    byte[] flag = new byte[plane];
    double[] t = new double[plane];
    PriorityQueue<Entry> band =
        new PriorityQueue<>(Comparator.comparingDouble(Entry::t).thenComparingInt(Entry::pixel));
    int[][] steps = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    for (int i = 0; i < plane; i++) {
      flag[i] = hole.fill()[i] ? INSIDE : KNOWN;
      t[i] = hole.fill()[i] ? FAR : 0;
    }
    // the initial narrow band: known pixels touching the hole (T = 0)
    for (int i = 0; i < plane; i++) {
      if (flag[i] != KNOWN) {
        continue;
      }
      int x = i % w, y = i / w;
      for (int[] s : steps) {
        int xx = x + s[0], yy = y + s[1];
        if (xx >= 0 && xx < w && yy >= 0 && yy < h && flag[yy * w + xx] == INSIDE) {
          flag[i] = BAND;
          band.add(new Entry(0, i));
          break;
        }
      }
    }
    while (!band.isEmpty()) {
      Entry e = band.poll();
      if (flag[e.pixel] == KNOWN) {
        continue; // a stale entry: the pixel was re-queued with a smaller T
      }
      flag[e.pixel] = KNOWN;
      int x = e.pixel % w, y = e.pixel / w;
      for (int[] s : steps) {
        int xx = x + s[0], yy = y + s[1];
        if (xx < 0 || xx >= w || yy < 0 || yy >= h || flag[yy * w + xx] == KNOWN) {
          continue;
        }
        int n = yy * w + xx;
        double tn = Math.min(Math.min(solve(t, flag, w, h, xx - 1, yy, xx, yy - 1), solve(t, flag, w, h, xx + 1, yy, xx, yy - 1)),
            Math.min(solve(t, flag, w, h, xx - 1, yy, xx, yy + 1), solve(t, flag, w, h, xx + 1, yy, xx, yy + 1)));
        boolean first = flag[n] == INSIDE;
        t[n] = Math.min(t[n], tn);
        if (first) {
          flag[n] = BAND;
          inpaint(out, flag, t, n, epsilon);
        }
        band.add(new Entry(t[n], n));
      }
    }
    return out;
  }

  // Eikonal |∇T| = 1 upwind update from two neighbours (Telea 2004, the "solve" routine).
  private static double solve(double[] t, byte[] flag, int w, int h, int x1, int y1, int x2, int y2) {
    boolean ok1 = x1 >= 0 && x1 < w && y1 >= 0 && y1 < h && flag[y1 * w + x1] != INSIDE;
    boolean ok2 = x2 >= 0 && x2 < w && y2 >= 0 && y2 < h && flag[y2 * w + x2] != INSIDE;
    if (ok1 && ok2) {
      double t1 = t[y1 * w + x1], t2 = t[y2 * w + x2];
      double d = 2 - (t1 - t2) * (t1 - t2);
      if (d > 0) {
        double r = Math.sqrt(d), s = (t1 + t2 - r) / 2;
        if (s >= t1 && s >= t2) {
          return s;
        }
        s += r;
        if (s >= t1 && s >= t2) {
          return s;
        }
      }
      return 1 + Math.min(t1, t2);
    }
    if (ok1) {
      return 1 + t[y1 * w + x1];
    }
    if (ok2) {
      return 1 + t[y2 * w + x2];
    }
    return FAR;
  }

  private static void inpaint(ImagePlanes img, byte[] flag, double[] t, int p, int eps) {
    int w = img.width(), h = img.height(), plane = img.plane();
    int px = p % w, py = p / w;
    double gtx = gradient(t, flag, w, h, px, py, true), gty = gradient(t, flag, w, h, px, py, false);
    double gn = Math.hypot(gtx, gty);
    double nx = gn > 0 ? gtx / gn : 0, ny = gn > 0 ? gty / gn : 0;
    for (int c = 0; c < img.channels(); c++) {
      double num = 0, den = 0;
      for (int qy = Math.max(0, py - eps); qy <= Math.min(h - 1, py + eps); qy++) {
        for (int qx = Math.max(0, px - eps); qx <= Math.min(w - 1, px + eps); qx++) {
          int q = qy * w + qx;
          int dx = px - qx, dy = py - qy;
          double len2 = dx * dx + dy * dy;
          if (q == p || flag[q] == INSIDE || len2 > eps * eps) {
            continue;
          }
          double len = Math.sqrt(len2);
          double dir = Math.max(Math.abs((dx * nx + dy * ny) / len), 1e-6); // eq. 6; kept > 0 so a weight exists
          double dst = 1.0 / len2; // d0 = 1
          double lev = 1.0 / (1 + Math.abs(t[q] - t[p])); // T0 = 1
          double wgt = dir * dst * lev;
          num += wgt * img.data()[c * plane + q];
          den += wgt;
        }
      }
      if (den > 0) {
        img.data()[c * plane + p] = (float) (num / den);
      }
    }
  }

  // Central difference of T where both sides are not INSIDE, else one-sided, else 0.
  private static double gradient(double[] t, byte[] flag, int w, int h, int x, int y, boolean alongX) {
    int ax = alongX ? 1 : 0, ay = alongX ? 0 : 1;
    boolean lo = x - ax >= 0 && y - ay >= 0 && flag[(y - ay) * w + x - ax] != INSIDE;
    boolean hi = x + ax < w && y + ay < h && flag[(y + ay) * w + x + ax] != INSIDE;
    int i = y * w + x;
    if (lo && hi) {
      return (t[i + ay * w + ax] - t[i - ay * w - ax]) / 2;
    }
    if (hi) {
      return t[i + ay * w + ax] - t[i];
    }
    if (lo) {
      return t[i] - t[i - ay * w - ax];
    }
    return 0;
  }
}
