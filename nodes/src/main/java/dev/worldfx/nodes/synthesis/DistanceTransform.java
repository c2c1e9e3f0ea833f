package dev.worldfx.nodes.synthesis;

/**
 * Exact squared Euclidean distance transforms (Felzenszwalb, Huttenlocher, "Distance Transforms of
 * Sampled Functions", Theory of Computing 8, 2012), separable in two passes.
 */
public final class DistanceTransform {
  private DistanceTransform() {}

  /** Squared distance of every pixel to the nearest pixel with weight ≥ 0.5 (0 on the core). */
  public static float[] squaredDistanceToCore(float[] w, int height, int width) {
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
