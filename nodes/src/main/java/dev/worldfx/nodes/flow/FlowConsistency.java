package dev.worldfx.nodes.flow;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;

/**
 * Forward-backward consistency (Sundaram, Brox, Keutzer, "Dense Point Trajectories by GPU-Accelerated Large
 * Displacement Optical Flow", ECCV 2010, with a fixed threshold instead of their motion-relative one): where a pixel
 * is visible in both frames, following the forward flow and then the backward flow returns to it. Occluded pixels and
 * flow errors break that.
 */
public final class FlowConsistency {
  private FlowConsistency() {}

  /**
   * Confidence [1,1,H,W]: 1 where |forward(x) + backward(x + forward(x))| < {@code thresholdPixels}, else 0 (also 0
   * where x + forward(x) leaves the frame). forward is frame1 -> frame2, backward frame2 -> frame1, both [1,2,H,W] in
   * the convention of {@link TvL1Flow}. {@code ops} should allocate from {@code arena}.
   */
  public static Tensor confidence(Ops ops, Arena arena, Tensor forward, Tensor backward, float thresholdPixels) {
    int[] s = forward.shape();
    if (s.length != 4 || s[0] != 1 || s[1] != 2 || !Arrays.equals(s, backward.shape())) {
      throw new IllegalArgumentException("flows must both be [1,2,H,W], got " + Arrays.toString(s) + " and "
          + Arrays.toString(backward.shape()));
    }
    if (!(thresholdPixels > 0)) {
      throw new IllegalArgumentException("threshold must be positive, got " + thresholdPixels);
    }
    int h = s[2];
    int w = s[3];
    int n = h * w;
    float[] fw = forward.toArray();
    float[] sum = ops.binary(Ops.Binary.ADD, forward, ops.warp(backward, forward, Ops.GridPadding.BORDER)).toArray();
    float limit = thresholdPixels * thresholdPixels;
    float[] conf = new float[n];
    for (int y = 0; y < h; y++) {
      for (int x = 0, i = y * w; x < w; x++, i++) {
        float tx = x + fw[i];
        float ty = y + fw[n + i];
        boolean inside = tx >= 0 && tx <= w - 1 && ty >= 0 && ty <= h - 1;
        float du = sum[i];
        float dv = sum[n + i];
        conf[i] = inside && du * du + dv * dv < limit ? 1f : 0f;
      }
    }
    return Tensor.of(arena, conf, 1, 1, h, w);
  }
}
