package dev.worldfx.nodes.flow;

import java.util.Random;

/**
 * Deterministic textures that can be evaluated at any real position, so that a frame moved by a known flow is exact
 * (no resampling error in the ground truth): a sum of sines of random frequency, orientation and phase, a smooth
 * "noise" with detail from about 4 to 80 pixels.
 */
final class SyntheticFrames {
  private static final int WAVES = 40;
  private final float[] kx = new float[WAVES];
  private final float[] ky = new float[WAVES];
  private final float[] phase = new float[WAVES];
  private final float[] amplitude = new float[WAVES];

  SyntheticFrames(long seed) {
    Random r = new Random(seed);
    for (int k = 0; k < WAVES; k++) {
      double wavelength = 4 * Math.pow(20, r.nextDouble()); // 4 .. 80 px, log-uniform
      double angle = r.nextDouble() * Math.PI;
      kx[k] = (float) (2 * Math.PI / wavelength * Math.cos(angle));
      ky[k] = (float) (2 * Math.PI / wavelength * Math.sin(angle));
      phase[k] = (float) (r.nextDouble() * 2 * Math.PI);
      amplitude[k] = (float) (0.5 / Math.sqrt(WAVES));
    }
  }

  float at(double x, double y) {
    double s = 0.5;
    for (int k = 0; k < WAVES; k++) {
      s += amplitude[k] * Math.sin(kx[k] * x + ky[k] * y + phase[k]);
    }
    return (float) s;
  }

  /** A displacement field: position (x, y) -> (u, v) in pixels. */
  interface Motion {
    double[] at(double x, double y);
  }

  /** [H,W] frame2 = texture itself. */
  float[] frame2(int h, int w) {
    float[] px = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        px[y * w + x] = at(x, y);
      }
    }
    return px;
  }

  /** [H,W] frame1(x, y) = texture(x + u, y + v). */
  float[] frame1(int h, int w, Motion motion) {
    float[] px = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double[] d = motion.at(x, y);
        px[y * w + x] = at(x + d[0], y + d[1]);
      }
    }
    return px;
  }

  /** [2,H,W] ground-truth flow of {@code motion}. */
  static float[] flow(int h, int w, Motion motion) {
    float[] f = new float[2 * h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double[] d = motion.at(x, y);
        f[y * w + x] = (float) d[0];
        f[h * w + y * w + x] = (float) d[1];
      }
    }
    return f;
  }

  /**
   * Average endpoint error of {@code flow} [2,H,W] against {@code truth} over pixels at least {@code margin} from
   * the border where {@code include} is true (null = all).
   */
  static double epe(float[] flow, float[] truth, int h, int w, int margin, boolean[] include) {
    double sum = 0;
    int count = 0;
    int n = h * w;
    for (int y = margin; y < h - margin; y++) {
      for (int x = margin; x < w - margin; x++) {
        int i = y * w + x;
        if (include == null || include[i]) {
          sum += Math.hypot(flow[i] - truth[i], flow[n + i] - truth[n + i]);
          count++;
        }
      }
    }
    if (count == 0) {
      throw new IllegalArgumentException("no pixel to measure");
    }
    return sum / count;
  }
}
