package dev.worldfx.inference.ref;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Argument checks and output geometry of the spatial ops. Shared by the reference and the fast kernels so both
 * accept exactly the same arguments and agree on what each output element reads.
 */
public final class SpatialShapes {
  private SpatialShapes() {}

  /** The shape of x, checked to be [N,C,H,W]. */
  public static int[] image(Tensor x, String op) {
    if (x.rank() != 4) {
      throw new IllegalArgumentException(op + ": input " + Arrays.toString(x.shape()) + " is not [N,C,H,W]");
    }
    return x.shape();
  }

  /** The shape of a sampling grid for {@code image}, checked to be [N,Ho,Wo,2]. */
  public static int[] grid(Tensor grid, int[] image, String op) {
    int[] gs = grid.shape();
    if (gs.length != 4 || gs[0] != image[0] || gs[3] != 2) {
      throw new IllegalArgumentException(op + ": grid " + Arrays.toString(gs) + " is not [N,Ho,Wo,2] with N = "
          + image[0]);
    }
    return gs;
  }

  /** Checks that gradOut has the shape of gridSample(image, grid): [N,C,Ho,Wo]. */
  public static void gridGradient(Tensor gradOut, int[] image, int[] grid) {
    int[] want = {image[0], image[1], grid[1], grid[2]};
    if (!Arrays.equals(gradOut.shape(), want)) {
      throw new IllegalArgumentException("gridSampleBackward: gradOut " + Arrays.toString(gradOut.shape())
          + " is not the output shape " + Arrays.toString(want));
    }
  }

  /** Checks that a warp flow for {@code image} is [N,2,H,W]. */
  public static void flow(Tensor flow, int[] image) {
    int[] want = {image[0], 2, image[2], image[3]};
    if (!Arrays.equals(flow.shape(), want)) {
      throw new IllegalArgumentException("warp: flow " + Arrays.toString(flow.shape()) + " is not [N,2,H,W] = "
          + Arrays.toString(want));
    }
  }

  /** Checks resize arguments: [N,C,H,W] to a non-negative size, and no empty axis stretched to a non-empty one. */
  public static int[] resize(Tensor x, int outH, int outW) {
    int[] s = image(x, "resize");
    if (outH < 0 || outW < 0) {
      throw new IllegalArgumentException("resize: negative output size " + outH + "x" + outW);
    }
    if ((s[2] == 0 && outH > 0) || (s[3] == 0 && outW > 0)) {
      throw new IllegalArgumentException("resize: cannot resize empty " + Arrays.toString(s) + " to " + outH + "x" + outW);
    }
    return s;
  }

  /** [N,C*r*r,H,W] -> [N,C,H*r,W*r]. */
  public static int[] pixelShuffle(Tensor x, int r) {
    int[] s = x.shape();
    if (s.length != 4 || r < 1 || s[1] % (r * r) != 0) {
      throw new IllegalArgumentException("pixelShuffle: " + Arrays.toString(s) + " is not [N,C*r*r,H,W] for r = " + r);
    }
    return new int[] {s[0], s[1] / (r * r), Math.multiplyExact(s[2], r), Math.multiplyExact(s[3], r)};
  }

  /**
   * ONNX Pad with negative pads cropping first: per axis, the input keeps [crop, crop + kept), and the output puts
   * that block after {@code before} new positions. Edge and reflect extend the kept block.
   */
  public record Pad(int[] crop, int[] kept, int[] before, int[] outShape) {}

  public static Pad pad(int[] shape, int[] pads, Ops.PadMode mode) {
    int r = shape.length;
    if (pads.length != 2 * r) {
      throw new IllegalArgumentException("pad: " + pads.length + " pads for rank " + r + " (need begins then ends, 2 per axis)");
    }
    int[] crop = new int[r];
    int[] kept = new int[r];
    int[] before = new int[r];
    int[] out = new int[r];
    for (int d = 0; d < r; d++) {
      crop[d] = Math.max(0, -pads[d]);
      kept[d] = shape[d] - crop[d] - Math.max(0, -pads[d + r]);
      if (kept[d] < 0) {
        throw new IllegalArgumentException("pad: pads " + Arrays.toString(pads) + " crop axis " + d + " of "
            + Arrays.toString(shape) + " below zero");
      }
      before[d] = Math.max(0, pads[d]);
      out[d] = Math.addExact(kept[d], before[d] + Math.max(0, pads[d + r]));
      if (mode != Ops.PadMode.CONSTANT && kept[d] == 0 && out[d] > 0) {
        throw new IllegalArgumentException("pad: " + mode + " padding needs a non-empty axis " + d + " in "
            + Arrays.toString(shape));
      }
    }
    return new Pad(crop, kept, before, out);
  }

  /**
   * Where output position {@code k} (relative to the kept block, so negative before it) reads from within a kept
   * block of length {@code len}: clamped for edge, mirrored without repeating the edge for reflect (numpy's
   * 'reflect', repeated when the pad is longer than the block).
   */
  public static int padSource(int k, int len, Ops.PadMode mode) {
    if (mode == Ops.PadMode.EDGE) {
      return Math.max(0, Math.min(k, len - 1));
    }
    if (len == 1) {
      return 0;
    }
    int period = 2 * (len - 1);
    int m = Math.floorMod(k, period);
    return m < len ? m : period - m;
  }

  /** Concatenation along {@code axis} (normalised, so never negative) into {@code outShape}. */
  public record Concat(int axis, int[] outShape) {}

  public static Concat concat(List<Tensor> xs, int axis) {
    if (xs.isEmpty()) {
      throw new IllegalArgumentException("concat: no inputs");
    }
    int[] s0 = xs.get(0).shape();
    int r = s0.length;
    int a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r) {
      throw new IllegalArgumentException("concat: axis " + axis + " outside rank " + r);
    }
    int[] out = s0.clone();
    out[a] = 0;
    for (Tensor t : xs) {
      int[] s = t.shape();
      for (int d = 0; d < Math.max(r, s.length); d++) {
        if (s.length != r || (d != a && s[d] != s0[d])) {
          throw new IllegalArgumentException("concat: " + Arrays.toString(s) + " does not match " + Arrays.toString(s0)
              + " off axis " + a);
        }
      }
      out[a] = Math.addExact(out[a], s[a]);
    }
    return new Concat(a, out);
  }

  /** Output index i along axis d reads input index first[d] + i * step[d]. */
  public record Slice(long[] first, long[] step, int[] outShape) {}

  /** ONNX Slice: negative bounds count from the end, then clamp to the range the step direction allows. */
  public static Slice slice(int[] shape, int[] starts, int[] ends, int[] axes, int[] steps) {
    int r = shape.length;
    int k = starts.length;
    if (ends.length != k || (axes != null && axes.length != k) || (steps != null && steps.length != k)) {
      throw new IllegalArgumentException("slice: starts, ends, axes and steps differ in length");
    }
    long[] first = new long[r];
    long[] step = new long[r];
    int[] out = shape.clone();
    Arrays.fill(step, 1);
    boolean[] seen = new boolean[r];
    for (int i = 0; i < k; i++) {
      int a = axes == null ? i : axes[i] < 0 ? axes[i] + r : axes[i];
      if (a < 0 || a >= r || seen[a]) {
        throw new IllegalArgumentException("slice: axis " + (axes == null ? i : axes[i]) + " outside rank " + r
            + " or repeated");
      }
      seen[a] = true;
      long st = steps == null ? 1 : steps[i];
      if (st == 0) {
        throw new IllegalArgumentException("slice: step 0 on axis " + a);
      }
      long dim = shape[a];
      long b = starts[i] < 0 ? starts[i] + dim : starts[i];
      long e = ends[i] < 0 ? ends[i] + dim : ends[i];
      long count;
      if (st > 0) {
        b = Math.max(0, Math.min(b, dim));
        e = Math.max(0, Math.min(e, dim));
        count = e > b ? (e - b + st - 1) / st : 0;
      } else {
        b = Math.max(0, Math.min(b, dim - 1));
        e = Math.max(-1, Math.min(e, dim - 1));
        count = b > e && dim > 0 ? (b - e - st - 1) / -st : 0;
      }
      first[a] = count > 0 ? b : 0;
      step[a] = st;
      out[a] = (int) count;
    }
    return new Slice(first, step, out);
  }
}
