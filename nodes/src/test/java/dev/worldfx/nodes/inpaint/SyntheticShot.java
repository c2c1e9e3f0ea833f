package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.ProceduralCanvas;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.util.ArrayList;
import java.util.List;

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
    return ProceduralCanvas.make(w, h, seed, 24, 6, 30, 900);
  }

  private static float bilinear(float[] p, int w, int h, double x, double y) {
    return ProceduralCanvas.bilinear(p, w, h, x, y);
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
