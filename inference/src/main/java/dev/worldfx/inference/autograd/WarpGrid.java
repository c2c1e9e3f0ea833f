package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Tensor;

/** Between a warp's pixel flow and the equivalent grid-sample grid (align_corners false). */
final class WarpGrid {
  private WarpGrid() {}

  /** flow [N,2,H,W] in pixels -> grid [N,H,W,2] sampling at (x + flow_x, y + flow_y). */
  static Tensor fromFlow(Tape t, Tensor flow) {
    int n = flow.dim(0);
    int h = flow.dim(2);
    int w = flow.dim(3);
    float[] f = flow.toArray();
    float[] grid = new float[n * h * w * 2];
    int plane = h * w;
    for (int b = 0; b < n; b++) {
      for (int p = 0; p < plane; p++) {
        double px = p % w + (double) f[(b * 2) * plane + p];
        double py = p / w + (double) f[(b * 2 + 1) * plane + p];
        grid[(b * plane + p) * 2] = (float) ((2 * px + 1) / w - 1);
        grid[(b * plane + p) * 2 + 1] = (float) ((2 * py + 1) / h - 1);
      }
    }
    return Tensor.of(t.arena(), grid, n, h, w, 2);
  }

  /** dgrid [N,H,W,2] -> dflow [N,2,H,W]: d(grid_x)/d(flow_x) = 2 / W, d(grid_y)/d(flow_y) = 2 / H. */
  static Tensor toFlowGrad(Tape t, Tensor dgrid) {
    int n = dgrid.dim(0);
    int h = dgrid.dim(1);
    int w = dgrid.dim(2);
    float[] dg = dgrid.toArray();
    float[] df = new float[n * 2 * h * w];
    int plane = h * w;
    for (int b = 0; b < n; b++) {
      for (int p = 0; p < plane; p++) {
        df[(b * 2) * plane + p] = (float) (dg[(b * plane + p) * 2] * (2.0 / w));
        df[(b * 2 + 1) * plane + p] = (float) (dg[(b * plane + p) * 2 + 1] * (2.0 / h));
      }
    }
    return Tensor.of(t.arena(), df, n, 2, h, w);
  }
}
