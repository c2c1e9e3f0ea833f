package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test footage with known ground truth: a camera panning over a large procedural canvas (value
 * noise in three octaves plus random soft-edged rectangles, seeded), and an object to remove
 * composited on top: a disc moving at constant velocity, or a static logo box. {@link #truth}
 * is the background without the object, {@link #input} has it painted in, {@link #matte} is 1
 * on the object.
 */
final class SyntheticShot implements ShotFrames {
  final int width;
  final int height;
  final List<ImagePlanes> truth = new ArrayList<>();
  final List<ImagePlanes> input = new ArrayList<>();
  final List<float[]> matte = new ArrayList<>();

  record Motion(double panX, double panY, double objX, double objY, double objVx, double objVy, int radius,
                boolean logo) {
  }

  SyntheticShot(int width, int height, int frames, Motion m, long seed) {
    this.width = width;
    this.height = height;
    int cw = width + (int) Math.ceil(Math.abs(m.panX) * frames) + 8;
    int ch = height + (int) Math.ceil(Math.abs(m.panY) * frames) + 8;
    float[][] canvas = canvas(cw, ch, seed);
    for (int f = 0; f < frames; f++) {
      double ox = 4 + (m.panX >= 0 ? m.panX * f : -m.panX * (frames - 1 - f));
      double oy = 4 + (m.panY >= 0 ? m.panY * f : -m.panY * (frames - 1 - f));
      int plane = width * height;
      float[] t = new float[3 * plane];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          for (int c = 0; c < 3; c++) {
            t[c * plane + y * width + x] = bilinear(canvas[c], cw, ch, x + ox, y + oy);
          }
        }
      }
      float[] in = t.clone();
      float[] mt = new float[plane];
      double cx = m.objX + m.objVx * f, cy = m.objY + m.objVy * f;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          boolean inside = m.logo
              ? Math.abs(x - cx) <= m.radius && Math.abs(y - cy) <= m.radius / 2.0
              : (x - cx) * (x - cx) + (y - cy) * (y - cy) <= m.radius * m.radius;
          if (inside) {
            int i = y * width + x;
            mt[i] = 1f;
            boolean stripe = ((x + y) / 4) % 2 == 0;
            in[i] = stripe ? 0.95f : 0.9f;
            in[plane + i] = stripe ? 0.1f : 0.3f;
            in[2 * plane + i] = 0.15f;
          }
        }
      }
      truth.add(new ImagePlanes(3, height, width, t));
      input.add(new ImagePlanes(3, height, width, in));
      matte.add(mt);
    }
  }

  private static float[][] canvas(int w, int h, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] c = new float[3][w * h];
    for (int octave = 0; octave < 3; octave++) {
      int cell = 24 >> octave;
      double amp = 0.22 / (1 << octave);
      int gw = w / cell + 2, gh = h / cell + 2;
      for (int ch = 0; ch < 3; ch++) {
        float[] g = new float[gw * gh];
        for (int i = 0; i < g.length; i++) {
          g[i] = (float) r.nextDouble(-1, 1);
        }
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            double v = bilinear(g, gw, gh, (double) x / cell, (double) y / cell);
            c[ch][y * w + x] += (float) (amp * v);
          }
        }
      }
    }
    for (int k = 0; k < w * h / 900; k++) {
      int x0 = r.nextInt(w), y0 = r.nextInt(h), rw = 6 + r.nextInt(30), rh = 6 + r.nextInt(30);
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
        plane[i] = 0.5f + plane[i];
      }
    }
    return c;
  }

  private static float bilinear(float[] p, int w, int h, double x, double y) {
    int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
    int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
    double fx = x - x0, fy = y - y0;
    double top = p[y0 * w + x0] * (1 - fx) + p[y0 * w + x1] * fx;
    double bottom = p[y1 * w + x0] * (1 - fx) + p[y1 * w + x1] * fx;
    return (float) (top * (1 - fy) + bottom * fy);
  }

  @Override
  public int count() {
    return input.size();
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public ImagePlanes rgb(int i) {
    return input.get(i);
  }

  @Override
  public float[] matte(int i) {
    return matte.get(i);
  }
}
