package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops.GridPadding;
import dev.worldfx.inference.Tensor;

/**
 * The grid-sample grid that samples where a warp does, to take the warp's gradients from grid
 * sample's backward. Warp reads pixel p = x + flow and pads as grid sampling with corners aligned
 * (reflection about pixels 0 and size - 1). The aligned grid coordinate is 2p / (size - 1) - 1, so
 * dflow = dgrid * 2 / (size - 1); for a size-1 axis it cannot express p, which matters for zeros and
 * border padding. So those use the unaligned coordinate (2p + 1) / size - 1 (their padding does not
 * depend on alignment), dflow = dgrid * 2 / size; reflection uses the aligned one, where a size-1
 * axis always reads pixel 0 (the grid value is then irrelevant and its gradient 0).
 */
final class WarpGrid {
  private WarpGrid() {}

  static boolean aligned(GridPadding padding) {
    return padding == GridPadding.REFLECTION;
  }

  /** flow [N,2,H,W] in pixels -> grid [N,H,W,2] sampling at (x + flow_x, y + flow_y). */
  static Tensor fromFlow(Tape t, Tensor flow, boolean aligned) {
    int n = flow.dim(0);
    int h = flow.dim(2);
    int w = flow.dim(3);
    float[] f = flow.toArray();
    float[] grid = new float[n * h * w * 2];
    int plane = h * w;
    for (int b = 0; b < n; b++) {
      for (int p = 0; p < plane; p++) {
        grid[(b * plane + p) * 2] = normalized(p % w + (double) f[(b * 2) * plane + p], w, aligned);
        grid[(b * plane + p) * 2 + 1] = normalized(p / w + (double) f[(b * 2 + 1) * plane + p], h, aligned);
      }
    }
    return Tensor.of(t.arena(), grid, n, h, w, 2);
  }

  private static float normalized(double pixel, int size, boolean aligned) {
    if (aligned) {
      return size > 1 ? (float) (2 * pixel / (size - 1) - 1) : 0f;
    }
    return (float) ((2 * pixel + 1) / size - 1);
  }

  /** d(grid)/d(pixel) along an axis of {@code size} pixels. */
  private static double pixelToGrid(int size, boolean aligned) {
    if (aligned) {
      return size > 1 ? 2.0 / (size - 1) : 0;
    }
    return 2.0 / size;
  }

  /** dgrid [N,H,W,2] -> dflow [N,2,H,W]: times d(grid)/d(pixel) per axis. */
  static Tensor toFlowGrad(Tape t, Tensor dgrid, boolean aligned) {
    int n = dgrid.dim(0);
    int h = dgrid.dim(1);
    int w = dgrid.dim(2);
    double sx = pixelToGrid(w, aligned);
    double sy = pixelToGrid(h, aligned);
    float[] dg = dgrid.toArray();
    float[] df = new float[n * 2 * h * w];
    int plane = h * w;
    for (int b = 0; b < n; b++) {
      for (int p = 0; p < plane; p++) {
        df[(b * 2) * plane + p] = (float) (dg[(b * plane + p) * 2] * sx);
        df[(b * 2 + 1) * plane + p] = (float) (dg[(b * plane + p) * 2 + 1] * sy);
      }
    }
    return Tensor.of(t.arena(), df, n, 2, h, w);
  }
}
