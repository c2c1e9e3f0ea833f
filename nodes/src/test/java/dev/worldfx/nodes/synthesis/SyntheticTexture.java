package dev.worldfx.nodes.synthesis;

import java.util.SplittableRandom;

/** Test footage with known ground truth: a periodic texture, masks, and the measures we report. */
final class SyntheticTexture {
  private SyntheticTexture() {
  }

  /**
   * Three channels [3,H,W]: vertical stripes (period 12), a 16x16 checker, a diagonal sinusoid
   * (period 8) and uniform noise of ±0.02 from a fixed seed. The whole pattern repeats every
   * 48 columns and 80 rows, so exact matches for any patch exist in a large enough frame.
   */
  static ImagePlanes texture(int height, int width) {
    SplittableRandom noise = new SplittableRandom(7);
    int plane = height * width;
    float[] d = new float[3 * plane];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double stripes = (x % 12) < 6 ? 0.25 : -0.25;
        double checker = (((x / 16) + (y / 16)) % 2 == 0) ? 0.2 : -0.2;
        double wave = 0.15 * Math.sin(2 * Math.PI * (x + y) / 8.0);
        double rows = 0.1 * Math.cos(2 * Math.PI * y / 10.0);
        int i = y * width + x;
        d[i] = (float) (0.5 + stripes + wave + noise.nextDouble(-0.02, 0.02));
        d[plane + i] = (float) (0.5 + checker + rows + noise.nextDouble(-0.02, 0.02));
        d[2 * plane + i] = (float) (0.5 + 0.5 * stripes - wave + 0.5 * checker + noise.nextDouble(-0.02, 0.02));
      }
    }
    return new ImagePlanes(3, height, width, d);
  }

  static HoleMask rectangle(int height, int width, int x0, int y0, int size) {
    boolean[] f = new boolean[height * width];
    for (int y = y0; y < y0 + size; y++) {
      for (int x = x0; x < x0 + size; x++) {
        f[y * width + x] = true;
      }
    }
    return new HoleMask(height, width, f);
  }

  /** A disk with a bump on its right: not convex, not axis-aligned. */
  static HoleMask blob(int height, int width, int cx, int cy, int radius) {
    boolean[] f = new boolean[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double dx = x - cx, dy = y - cy;
        double bx = x - (cx + radius), by = y - cy;
        f[y * width + x] = dx * dx + dy * dy <= radius * radius || bx * bx + 4 * by * by <= radius * radius / 2.0;
      }
    }
    return new HoleMask(height, width, f);
  }

  /** The input the fills see: ground truth with the hole set to a value the fill must not use. */
  static ImagePlanes punched(ImagePlanes truth, HoleMask hole) {
    ImagePlanes p = truth.copy();
    for (int c = 0; c < p.channels(); c++) {
      for (int i = 0; i < p.plane(); i++) {
        if (hole.fill()[i]) {
          p.data()[c * p.plane() + i] = 9f;
        }
      }
    }
    return p;
  }

  /** The same texture seen with another exposure: what a pixel propagated from another frame looks like. */
  static ImagePlanes exposed(ImagePlanes truth) {
    float[] d = truth.data().clone();
    for (int i = 0; i < d.length; i++) {
      d[i] = 0.8f * d[i] + 0.15f;
    }
    return new ImagePlanes(truth.channels(), truth.height(), truth.width(), d);
  }

  /** PSNR over hole pixels, peak 1.0. */
  static double psnrInHole(ImagePlanes result, ImagePlanes truth, HoleMask hole) {
    double se = 0;
    long n = 0;
    for (int c = 0; c < truth.channels(); c++) {
      for (int i = 0; i < truth.plane(); i++) {
        if (hole.fill()[i]) {
          double d = result.data()[c * truth.plane() + i] - truth.data()[c * truth.plane() + i];
          se += d * d;
          n++;
        }
      }
    }
    return 10 * Math.log10(1.0 / (se / n));
  }
}
