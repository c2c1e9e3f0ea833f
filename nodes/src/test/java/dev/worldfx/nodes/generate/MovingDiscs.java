package dev.worldfx.nodes.generate;

/** A small test shot: striped, shaded background and three coloured discs moving at constant velocity. */
final class MovingDiscs {
  private MovingDiscs() {}

  static Video shot(int frames, int height, int width) {
    float[] d = new float[frames * height * width * 3];
    double[][] discs = {
        // x0, y0, vx, vy, radius, r, g, b
        {10, 12, 2.0, 0.5, 6, 0.9, 0.2, 0.15},
        {45, 30, -1.5, 0.8, 7, 0.15, 0.8, 0.3},
        {30, 8, 0.6, 1.6, 5, 0.2, 0.3, 0.95}};
    for (int t = 0; t < frames; t++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int p = ((t * height + y) * width + x) * 3;
          double stripe = 0.5 + 0.25 * Math.sin((x + 0.5 * y) * 0.7);
          double shade = 0.3 + 0.4 * y / height;
          d[p] = (float) (0.6 * stripe * shade + 0.2);
          d[p + 1] = (float) (0.5 * shade + 0.1 * Math.cos(x * 0.3));
          d[p + 2] = (float) (0.3 + 0.3 * stripe * (1 - shade));
          for (double[] s : discs) {
            double cx = s[0] + s[2] * t, cy = s[1] + s[3] * t;
            double r = Math.hypot(x - cx, y - cy);
            double cover = Math.clamp(s[4] + 0.5 - r, 0, 1); // one-pixel antialiased edge
            for (int c = 0; c < 3; c++) {
              d[p + c] = (float) (d[p + c] * (1 - cover) + s[5 + c] * cover);
            }
          }
        }
      }
    }
    return new Video(frames, height, width, 3, d);
  }
}
