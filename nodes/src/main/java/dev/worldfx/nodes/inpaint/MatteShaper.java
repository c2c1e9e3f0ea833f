package dev.worldfx.nodes.inpaint;

/**
 * Turns a raw matte into the removal weight w in [0,1] per pixel: the output is
 * {@code source · (1 − w) + fill · w}, so w = 0 means "keep the source bit-exact".
 *
 * <ul>
 *   <li>The matte is clamped to [0,1] (NaN counts as 0). Its core is where it is at least 0.5.
 *   <li>Dilate r: every pixel within r pixels (Euclidean) of the core gets weight 1.
 *   <li>Feather f: outward only, pixels at distance d from the (dilated) core get
 *       {@code max(0, 1 − d / (f + 1))}, so the object itself is always fully removed and
 *       the edge fades out over f pixels.
 *   <li>Soft matte values below 0.5 that no dilation or feather reaches are kept as they are.
 * </ul>
 *
 * Distances are exact squared Euclidean distance transforms (Felzenszwalb, Huttenlocher,
 * "Distance Transforms of Sampled Functions", Theory of Computing 8, 2012), separable in two
 * passes.
 */
final class MatteShaper {
  private MatteShaper() {}

  static float[] weight(float[] matte, int height, int width, int dilate, double feather) {
    int n = height * width;
    if (matte.length != n) {
      throw new IllegalArgumentException(matte.length + " matte values for a " + width + "x" + height + " frame");
    }
    float[] w = new float[n];
    boolean anyCore = false;
    for (int i = 0; i < n; i++) {
      float m = matte[i];
      w[i] = m > 0f ? Math.min(m, 1f) : 0f; // also maps NaN to 0
      anyCore |= w[i] >= 0.5f;
    }
    if (!anyCore || (dilate <= 0 && !(feather > 0))) {
      return w;
    }
    if (dilate > 0) {
      float[] d2 = squaredDistanceToCore(w, height, width);
      double r2 = (double) dilate * dilate;
      for (int i = 0; i < n; i++) {
        if (d2[i] <= r2) {
          w[i] = 1f;
        }
      }
    }
    if (feather > 0) {
      float[] d2 = squaredDistanceToCore(w, height, width);
      double span = feather + 1;
      for (int i = 0; i < n; i++) {
        if (d2[i] > 0 && d2[i] < span * span) {
          float ramp = (float) (1 - Math.sqrt(d2[i]) / span);
          w[i] = Math.max(w[i], ramp);
        }
      }
    }
    return w;
  }

  /** Squared distance of every pixel to the nearest pixel with weight ≥ 0.5 (0 on the core). */
  static float[] squaredDistanceToCore(float[] w, int height, int width) {
    float inf = 1e20f;
    float[] d = new float[height * width];
    for (int i = 0; i < d.length; i++) {
      d[i] = w[i] >= 0.5f ? 0f : inf;
    }
    int longest = Math.max(height, width);
    float[] f = new float[longest];
    float[] out = new float[longest];
    int[] v = new int[longest];
    double[] z = new double[longest + 1];
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        f[y] = d[y * width + x];
      }
      transform1d(f, height, out, v, z);
      for (int y = 0; y < height; y++) {
        d[y * width + x] = out[y];
      }
    }
    for (int y = 0; y < height; y++) {
      System.arraycopy(d, y * width, f, 0, width);
      transform1d(f, width, out, v, z);
      System.arraycopy(out, 0, d, y * width, width);
    }
    return d;
  }

  private static double intersection(float[] f, int q, int p) {
    return ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
  }

  /** The lower envelope of parabolas rooted at (q, f(q)): out(p) = min_q (p − q)² + f(q). */
  private static void transform1d(float[] f, int n, float[] out, int[] v, double[] z) {
    int k = 0;
    v[0] = 0;
    z[0] = Double.NEGATIVE_INFINITY;
    z[1] = Double.POSITIVE_INFINITY;
    for (int q = 1; q < n; q++) {
      double s = intersection(f, q, v[k]);
      while (s <= z[k]) { // z[0] is -inf, so this stops at k = 0
        k--;
        s = intersection(f, q, v[k]);
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Double.POSITIVE_INFINITY;
    }
    k = 0;
    for (int q = 0; q < n; q++) {
      while (z[k + 1] < q) {
        k++;
      }
      double dq = q - v[k];
      out[q] = (float) Math.min(1e20, dq * dq + f[v[k]]);
    }
  }
}
