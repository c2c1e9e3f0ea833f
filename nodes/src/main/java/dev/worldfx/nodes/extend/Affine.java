package dev.worldfx.nodes.extend;

/**
 * A 2-D affine map p → (a0 + a1·x + a2·y, b0 + b1·x + b2·y), in pixel coordinates. Fitted to a
 * dense flow by iteratively reweighted least squares with Huber weights ({@link #fitToFlow}),
 * so moving objects (the outliers) do not pull the camera's motion.
 */
record Affine(double a0, double a1, double a2, double b0, double b1, double b2) {
  static final Affine IDENTITY = new Affine(0, 1, 0, 0, 0, 1);

  double x(double x, double y) {
    return a0 + a1 * x + a2 * y;
  }

  double y(double x, double y) {
    return b0 + b1 * x + b2 * y;
  }

  /** This map after {@code first}: p → this(first(p)). */
  Affine after(Affine first) {
    return new Affine(a0 + a1 * first.a0 + a2 * first.b0, a1 * first.a1 + a2 * first.b1, a1 * first.a2 + a2 * first.b2,
        b0 + b1 * first.a0 + b2 * first.b0, b1 * first.a1 + b2 * first.b1, b1 * first.a2 + b2 * first.b2);
  }

  Affine inverse() {
    double det = a1 * b2 - a2 * b1;
    if (Math.abs(det) < 1e-12) {
      return IDENTITY;
    }
    double i11 = b2 / det, i12 = -a2 / det, i21 = -b1 / det, i22 = a1 / det;
    return new Affine(-(i11 * a0 + i12 * b0), i11, i12, -(i21 * a0 + i22 * b0), i21, i22);
  }

  /** The map applied n times (n ≥ 0). */
  Affine power(int n) {
    Affine r = IDENTITY;
    for (int i = 0; i < n; i++) {
      r = after(r);
    }
    return r;
  }

  /**
   * The map moved toward the identity: identity + f·(this − identity), so a small motion scaled by
   * {@code f} (a camera step slowed by damping); f = 1 is this map.
   */
  Affine toward(double f) {
    if (f == 1) {
      return this;
    }
    return new Affine(f * a0, 1 + f * (a1 - 1), f * a2, f * b0, f * b1, 1 + f * (b2 - 1));
  }

  /** The mean of maps, parameter by parameter (close maps, e.g. a camera's last few steps). */
  static Affine mean(java.util.List<Affine> maps) {
    double[] s = new double[6];
    for (Affine m : maps) {
      s[0] += m.a0;
      s[1] += m.a1;
      s[2] += m.a2;
      s[3] += m.b0;
      s[4] += m.b1;
      s[5] += m.b2;
    }
    int n = Math.max(1, maps.size());
    return new Affine(s[0] / n, s[1] / n, s[2] / n, s[3] / n, s[4] / n, s[5] / n);
  }

  /**
   * The affine map p → p + flow(p) that best explains {@code flow} ([2,H,W] planes: u then v),
   * sampled every {@code step} pixels, ignoring {@code skip} pixels (may be null); Huber weights
   * with threshold {@code huber} pixels, 6 reweighting rounds.
   */
  static Affine fitToFlow(float[] flow, int h, int w, boolean[] skip, int step, double huber) {
    int plane = h * w;
    double[] wts = null;
    Affine m = IDENTITY;
    int n = 0;
    for (int y = 0; y < h; y += step) {
      for (int x = 0; x < w; x += step) {
        n++;
      }
    }
    int[] idx = new int[n];
    n = 0;
    for (int y = 0; y < h; y += step) {
      for (int x = 0; x < w; x += step) {
        int p = y * w + x;
        if (skip == null || !skip[p]) {
          idx[n++] = p;
        }
      }
    }
    if (n < 3) {
      return IDENTITY;
    }
    wts = new double[n];
    java.util.Arrays.fill(wts, 1.0);
    // solved in centred, scaled coordinates (well conditioned), returned in pixels
    double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0, sc = Math.max(w, h) / 2.0;
    for (int round = 0; round < 6; round++) {
      // normal equations of [1 x y] for the x and y targets separately (3x3 each, same matrix)
      double[][] ata = new double[3][3];
      double[] atx = new double[3];
      double[] aty = new double[3];
      for (int k = 0; k < n; k++) {
        int p = idx[k];
        double x = p % w, y = p / w;
        double tx = x + flow[p], ty = y + flow[plane + p];
        double[] r = {1, (x - cx) / sc, (y - cy) / sc};
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 3; j++) {
            ata[i][j] += wts[k] * r[i] * r[j];
          }
          atx[i] += wts[k] * r[i] * tx;
          aty[i] += wts[k] * r[i] * ty;
        }
      }
      double[] px = solve3(ata, atx);
      double[] py = solve3(ata, aty);
      if (px == null || py == null) {
        return m;
      }
      m = new Affine(px[0] - px[1] * cx / sc - px[2] * cy / sc, px[1] / sc, px[2] / sc,
          py[0] - py[1] * cx / sc - py[2] * cy / sc, py[1] / sc, py[2] / sc);
      for (int k = 0; k < n; k++) {
        int p = idx[k];
        double x = p % w, y = p / w;
        double ex = x + flow[p] - m.x(x, y), ey = y + flow[plane + p] - m.y(x, y);
        double e = Math.sqrt(ex * ex + ey * ey);
        wts[k] = e <= huber ? 1.0 : huber / e;
      }
    }
    return m;
  }

  static double[] solve3(double[][] a, double[] b) {
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    if (Math.abs(det) < 1e-9) {
      return null;
    }
    double[] x = new double[3];
    for (int c = 0; c < 3; c++) {
      double[][] m = {a[0].clone(), a[1].clone(), a[2].clone()};
      for (int r = 0; r < 3; r++) {
        m[r][c] = b[r];
      }
      x[c] = (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
          + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])) / det;
    }
    return x;
  }
}
