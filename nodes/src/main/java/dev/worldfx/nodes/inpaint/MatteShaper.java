package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.synthesis.DistanceTransform;

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
 * Distances are exact Euclidean ({@link DistanceTransform}).
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
      float[] d2 = DistanceTransform.squaredDistanceToCore(w, height, width);
      double r2 = (double) dilate * dilate;
      for (int i = 0; i < n; i++) {
        if (d2[i] <= r2) {
          w[i] = 1f;
        }
      }
    }
    if (feather > 0) {
      float[] d2 = DistanceTransform.squaredDistanceToCore(w, height, width);
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
}
