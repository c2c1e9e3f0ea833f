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
  /** The camera's speed is multiplied by this every frame (1: a steady pan; below: the move eases out). */
  double ease = 1;
  /** A static opaque bar in front of the ball, columns [barX0, barX1) (none when barX1 <= barX0). */
  int barX0, barX1;
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

  /** A pan easing out: (px, py) px/frame at first, the speed multiplied by {@code ease} every frame. */
  static Scene easedPan(int w, int h, int frames, double px, double py, double ease) {
    Scene s = pan(w, h, frames, px, py);
    s.ease = ease;
    return s;
  }

  static Scene ball(int w, int h, int frames, double px, double py, double bx, double by, double vx, double vy,
                    double ax, double ay) {
    return new Scene(w, h, frames, px, py, true, bx, by, vx, vy, ax, ay, 7, 5);
  }

  /**
   * Static camera; the ball moves at constant velocity to the right behind an opaque vertical
   * bar (columns [x0, x1)) and comes out on the other side.
   */
  static Scene behindBar(int w, int h, int frames, double bx, double by, double vx, int x0, int x1) {
    Scene s = new Scene(w, h, frames, 0, 0, true, bx, by, vx, 0, 0, 0, 7, 5);
    s.barX0 = x0;
    s.barX1 = x1;
    return s;
  }

  /**
   * The pixels of frame t whose background some frame before {@code seenFrames} showed (the camera's
   * field of view; the ball and the bar are ignored): the part of frame t a model of the seen frames
   * can know. The rest entered at the frame's edge after the last seen frame.
   */
  boolean[] seenRegion(int t, int seenFrames) {
    boolean[] m = new boolean[w * h];
    for (int s = 0; s < seenFrames; s++) {
      double dx = offset(panX, t) - offset(panX, s), dy = offset(panY, t) - offset(panY, s);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double sx = x + dx, sy = y + dy;
          m[y * w + x] |= sx >= 0 && sy >= 0 && sx <= w - 1 && sy <= h - 1;
        }
      }
    }
    return m;
  }

  private double offset(double pan, int t) {
    double travelled = ease == 1 ? t : (1 - Math.pow(ease, t)) / (1 - ease); // frames of the first speed
    return 8 + (pan >= 0 ? pan * travelled : -pan * (frames + 40 - travelled));
  }

  /** Where the ball's centre is at frame t. */
  double[] ballAt(double t) {
    return new double[] {bx + bvx * t + 0.5 * bax * t * t, by + bvy * t + 0.5 * bay * t * t};
  }

  /** The frame without the ball (the bar included). */
  ImagePlanes background(int t) {
    return render(t, false);
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
    return render(t, ball);
  }

  private ImagePlanes render(int t, boolean withBall) {
    int plane = w * h;
    float[] d = new float[3 * plane];
    double ox = offset(panX, t), oy = offset(panY, t);
    double cx = bx + bvx * t + 0.5 * bax * t * t, cy = by + bvy * t + 0.5 * bay * t * t;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = x - cx, dy = y - cy;
        boolean in = withBall && dx * dx + dy * dy <= radius * radius;
        boolean bar = x >= barX0 && x < barX1;
        for (int c = 0; c < 3; c++) {
          d[c * plane + y * w + x] = bar ? (c == 2 ? 0.55f : 0.12f + 0.03f * c) : in
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
