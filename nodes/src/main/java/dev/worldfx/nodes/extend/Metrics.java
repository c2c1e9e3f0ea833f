package dev.worldfx.nodes.extend;

/** Image scores of the back-test, on [3,H,W] float planes with peak 1 (HDR values count as they are). */
public final class Metrics {
  private Metrics() {}

  public static double psnr(float[] a, float[] b) {
    double se = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      se += d * d;
    }
    double mse = se / a.length;
    return mse == 0 ? 99 : 10 * Math.log10(1 / mse);
  }

  /** Mean SSIM (Wang et al. 2004 constants for peak 1) over 8x8 windows with stride 4, on Rec. 709 luma. */
  public static double ssimLuma(float[] a, float[] b, int w, int h) {
    int plane = w * h;
    float[] la = new float[plane], lb = new float[plane];
    for (int p = 0; p < plane; p++) {
      la[p] = 0.2126f * a[p] + 0.7152f * a[plane + p] + 0.0722f * a[2 * plane + p];
      lb[p] = 0.2126f * b[p] + 0.7152f * b[plane + p] + 0.0722f * b[2 * plane + p];
    }
    double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03, sum = 0;
    int n = 0;
    for (int y0 = 0; y0 + 8 <= h; y0 += 4) {
      for (int x0 = 0; x0 + 8 <= w; x0 += 4) {
        double ma = 0, mb = 0;
        for (int y = y0; y < y0 + 8; y++) {
          for (int x = x0; x < x0 + 8; x++) {
            ma += la[y * w + x];
            mb += lb[y * w + x];
          }
        }
        ma /= 64;
        mb /= 64;
        double va = 0, vb = 0, cov = 0;
        for (int y = y0; y < y0 + 8; y++) {
          for (int x = x0; x < x0 + 8; x++) {
            double da = la[y * w + x] - ma, db = lb[y * w + x] - mb;
            va += da * da;
            vb += db * db;
            cov += da * db;
          }
        }
        va /= 63;
        vb /= 63;
        cov /= 63;
        sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        n++;
      }
    }
    return n == 0 ? 1 : sum / n;
  }

  /** Mean absolute error over the channels, per pixel. */
  public static float[] absErrorMatte(float[] a, float[] b, int plane) {
    float[] m = new float[plane];
    int channels = a.length / plane;
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < plane; p++) {
        m[p] += Math.abs(a[c * plane + p] - b[c * plane + p]) / channels;
      }
    }
    return m;
  }
}
