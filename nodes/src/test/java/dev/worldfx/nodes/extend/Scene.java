package dev.worldfx.nodes.extend;

import dev.worldfx.nodes.ProceduralCanvas;
import dev.worldfx.nodes.synthesis.ImagePlanes;

/**
 * Synthetic shots with known futures: a camera panning over a large procedural canvas (value
 * noise in three octaves plus random rectangles), optionally with a textured ball that moves with
 * constant velocity and constant acceleration (gravity), drawn over the background. Frames are
 * computed on demand, so any frame (the hidden future included) is exact.
 */
final class Scene implements ClipFrames {
  final int w, h, frames;
  final double panX, panY;
  final boolean ball;
  final double bx, by, bvx, bvy, bax, bay, radius;
  private final float[][] canvas;
  private final int cw, ch;

  Scene(int w, int h, int frames, double panX, double panY, boolean ball, double bx, double by, double bvx, double bvy,
        double bax, double bay, double radius, long seed) {
    this.w = w;
    this.h = h;
    this.frames = frames;
    this.panX = panX;
    this.panY = panY;
    this.ball = ball;
    this.bx = bx;
    this.by = by;
    this.bvx = bvx;
    this.bvy = bvy;
    this.bax = bax;
    this.bay = bay;
    this.radius = radius;
    this.cw = w + (int) Math.ceil(Math.abs(panX) * (frames + 40)) + 16;
    this.ch = h + (int) Math.ceil(Math.abs(panY) * (frames + 40)) + 16;
    this.canvas = canvas(cw, ch, seed);
  }

  static Scene pan(int w, int h, int frames, double px, double py) {
    return new Scene(w, h, frames, px, py, false, 0, 0, 0, 0, 0, 0, 0, 3);
  }

  static Scene ball(int w, int h, int frames, double px, double py, double bx, double by, double vx, double vy,
                    double ax, double ay) {
    return new Scene(w, h, frames, px, py, true, bx, by, vx, vy, ax, ay, 7, 5);
  }

  /** The frames the extender may see: the first {@code n}. */
  ClipFrames visible(int n) {
    return head(n);
  }

  @Override
  public int count() {
    return frames;
  }

  @Override
  public int width() {
    return w;
  }

  @Override
  public int height() {
    return h;
  }

  @Override
  public ImagePlanes rgb(int t) {
    int plane = w * h;
    float[] d = new float[3 * plane];
    double ox = 8 + (panX >= 0 ? panX * t : -panX * (frames + 40 - t));
    double oy = 8 + (panY >= 0 ? panY * t : -panY * (frames + 40 - t));
    double cx = bx + bvx * t + 0.5 * bax * t * t, cy = by + bvy * t + 0.5 * bay * t * t;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = x - cx, dy = y - cy;
        boolean in = ball && dx * dx + dy * dy <= radius * radius;
        for (int c = 0; c < 3; c++) {
          d[c * plane + y * w + x] = in
              ? (float) (c == 0 ? 0.9 - 0.3 * ((int) Math.floor((dx + 20) / 3) & 1) : c == 1 ? 0.2 : 0.15 + 0.02 * dy)
              : bilinear(canvas[c], cw, ch, x + ox, y + oy);
        }
      }
    }
    return new ImagePlanes(3, h, w, d);
  }

  private static float[][] canvas(int w, int h, long seed) {
    return ProceduralCanvas.make(w, h, seed, 16, 4, 20, 700);
  }

  private static float bilinear(float[] p, int w, int h, double x, double y) {
    return ProceduralCanvas.bilinear(p, w, h, x, y);
  }

}
