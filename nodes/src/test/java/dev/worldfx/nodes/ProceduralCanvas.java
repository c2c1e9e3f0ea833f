package dev.worldfx.nodes;

import java.util.SplittableRandom;

/**
 * Test footage: a large seeded RGB canvas of value noise in three octaves plus random flat
 * rectangles (edges and corners for flow and patch matching), around 0.5; and the bilinear
 * sampler the synthetic shots pan over it with.
 */
public final class ProceduralCanvas {
  private ProceduralCanvas() {}

  /**
   * @param cell the coarsest noise cell in pixels (octaves at cell, cell/2, cell/4)
   * @param maxRect rectangles are 4..4+maxRect (or 6..6+maxRect) pixels a side, one per
   *     {@code pixelsPerRect} pixels of canvas
   */
  public static float[][] make(int w, int h, long seed, int cell, int minRect, int maxRect, int pixelsPerRect) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] c = new float[3][w * h];
    for (int octave = 0; octave < 3; octave++) {
      int size = cell >> octave;
      double amp = 0.22 / (1 << octave);
      int gw = w / size + 2, gh = h / size + 2;
      for (int ch = 0; ch < 3; ch++) {
        float[] g = new float[gw * gh];
        for (int i = 0; i < g.length; i++) {
          g[i] = (float) r.nextDouble(-1, 1);
        }
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            c[ch][y * w + x] += (float) (amp * bilinear(g, gw, gh, (double) x / size, (double) y / size));
          }
        }
      }
    }
    for (int k = 0; k < w * h / pixelsPerRect; k++) {
      int x0 = r.nextInt(w), y0 = r.nextInt(h), rw = minRect + r.nextInt(maxRect), rh = minRect + r.nextInt(maxRect);
      float[] col = {(float) r.nextDouble(-0.3, 0.3), (float) r.nextDouble(-0.3, 0.3), (float) r.nextDouble(-0.3, 0.3)};
      for (int y = y0; y < Math.min(h, y0 + rh); y++) {
        for (int x = x0; x < Math.min(w, x0 + rw); x++) {
          for (int ch = 0; ch < 3; ch++) {
            c[ch][y * w + x] += col[ch];
          }
        }
      }
    }
    for (float[] plane : c) {
      for (int i = 0; i < plane.length; i++) {
        plane[i] += 0.5f;
      }
    }
    return c;
  }

  public static float bilinear(float[] p, int w, int h, double x, double y) {
    int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
    int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
    double fx = x - x0, fy = y - y0;
    return (float) ((p[y0 * w + x0] * (1 - fx) + p[y0 * w + x1] * fx) * (1 - fy)
        + (p[y1 * w + x0] * (1 - fx) + p[y1 * w + x1] * fx) * fy);
  }
}
