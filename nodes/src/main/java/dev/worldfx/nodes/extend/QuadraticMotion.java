package dev.worldfx.nodes.extend;

/**
 * A smooth background motion: each flow component as a quadratic polynomial of the position
 * (12 parameters; close to any camera homography over a frame, so perspective and a tilting
 * camera are background, not objects), fitted to a dense flow by iteratively reweighted least
 * squares with Huber weights. Used to tell what moves on its own from what the camera moves.
 */
final class QuadraticMotion {
  private final double[] u = new double[6];
  private final double[] v = new double[6];
  private final double cx, cy, sc;

  private QuadraticMotion(int w, int h) {
    cx = (w - 1) / 2.0;
    cy = (h - 1) / 2.0;
    sc = Math.max(w, h) / 2.0;
  }

  private void basis(double x, double y, double[] r) {
    double a = (x - cx) / sc, b = (y - cy) / sc;
    r[0] = 1;
    r[1] = a;
    r[2] = b;
    r[3] = a * a;
    r[4] = a * b;
    r[5] = b * b;
  }

  /** The model's flow at (x, y): {u, v}. */
  double[] at(double x, double y) {
    double[] r = new double[6];
    basis(x, y, r);
    double fu = 0, fv = 0;
    for (int i = 0; i < 6; i++) {
      fu += u[i] * r[i];
      fv += v[i] * r[i];
    }
    return new double[] {fu, fv};
  }

  /** Fits flow ([2,H,W]: u then v) sampled every {@code step} pixels; Huber threshold in pixels; 6 rounds. */
  static QuadraticMotion fit(float[] flow, int h, int w, int step, double huber) {
    QuadraticMotion m = new QuadraticMotion(w, h);
    int plane = w * h;
    int n = ((h + step - 1) / step) * ((w + step - 1) / step);
    int[] idx = new int[n];
    n = 0;
    for (int y = 0; y < h; y += step) {
      for (int x = 0; x < w; x += step) {
        idx[n++] = y * w + x;
      }
    }
    double[] wts = new double[n];
    java.util.Arrays.fill(wts, 1.0);
    double[] r = new double[6];
    for (int round = 0; round < 6; round++) {
      double[][] ata = new double[6][6];
      double[] atu = new double[6], atv = new double[6];
      for (int k = 0; k < n; k++) {
        int p = idx[k];
        m.basis(p % w, p / w, r);
        for (int i = 0; i < 6; i++) {
          for (int j = 0; j < 6; j++) {
            ata[i][j] += wts[k] * r[i] * r[j];
          }
          atu[i] += wts[k] * r[i] * flow[p];
          atv[i] += wts[k] * r[i] * flow[plane + p];
        }
      }
      double[] su = solve(ata, atu), sv = solve(ata, atv);
      if (su == null || sv == null) {
        break;
      }
      System.arraycopy(su, 0, m.u, 0, 6);
      System.arraycopy(sv, 0, m.v, 0, 6);
      for (int k = 0; k < n; k++) {
        int p = idx[k];
        double[] f = m.at(p % w, p / w);
        double e = Math.hypot(flow[p] - f[0], flow[plane + p] - f[1]);
        wts[k] = e <= huber ? 1.0 : huber / e;
      }
    }
    return m;
  }

  /** Gaussian elimination with partial pivoting; null when singular. */
  private static double[] solve(double[][] a0, double[] b0) {
    int n = b0.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = java.util.Arrays.copyOf(a0[i], n + 1);
      a[i][n] = b0[i];
    }
    for (int c = 0; c < n; c++) {
      int piv = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
          piv = r;
        }
      }
      if (Math.abs(a[piv][c]) < 1e-12) {
        return null;
      }
      double[] t = a[c];
      a[c] = a[piv];
      a[piv] = t;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int k = c; k <= n; k++) {
          a[r][k] -= f * a[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = a[r][n];
      for (int k = r + 1; k < n; k++) {
        s -= a[r][k] * x[k];
      }
      x[r] = s / a[r][r];
    }
    return x;
  }
}
