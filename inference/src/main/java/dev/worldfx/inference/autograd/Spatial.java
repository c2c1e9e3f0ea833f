package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.CoordMode;
import dev.worldfx.inference.Ops.GridPadding;
import dev.worldfx.inference.Ops.NearestMode;
import dev.worldfx.inference.Ops.ResizeMode;
import dev.worldfx.inference.Tensor;
import java.util.Arrays;
import java.util.List;

/** Differentiable resize, pixel shuffle, pad, concat, slice, grid sample and warp. */
public final class Spatial {
  private Spatial() {}

  /**
   * x [N,C,H,W] -> [N,C,outH,outW], NEAREST or BILINEAR (as {@code Ops.resize}). The backward is
   * the adjoint of the resize: each output's gradient goes back to the pixels it was read from,
   * with the weights it was read with.
   */
  public static Var resize(Tape t, Var x, int outH, int outW, ResizeMode mode, CoordMode coord, NearestMode nearest) {
    if (mode == ResizeMode.BICUBIC) {
      throw new IllegalArgumentException("resize: no gradient for BICUBIC (NEAREST and BILINEAR have one)");
    }
    Tensor y = t.ops().resize(x.value(), outH, outW, mode, coord, nearest, -0.75f);
    return t.record(y, g -> new Tensor[] {mode == ResizeMode.NEAREST
        ? ResizeAdjoint.nearest(t, g, x.shape(), coord, nearest)
        : ResizeAdjoint.bilinear(t, g, x.shape(), coord)}, x);
  }

  /** [N,C*r*r,H,W] -> [N,C,H*r,W*r] (PyTorch PixelShuffle). */
  public static Var pixelShuffle(Tape t, Var x, int r) {
    Tensor y = t.ops().pixelShuffle(x.value(), r);
    int[] xs = x.shape();
    return t.record(y, g -> {
      // out[n,c,h*r+i,w*r+j] = in[n,c*r*r+i*r+j,h,w]: view g as [N,C,H,i,W,j], reorder to [N,C,i,j,H,W]
      int[] gs = g.shape();
      Tensor split = t.contiguous(g).reshape(gs[0], gs[1], xs[2], r, xs[3], r);
      return new Tensor[] {t.contiguous(Views.permuted(split, new int[] {0, 1, 3, 5, 2, 4})).reshape(xs)};
    }, x);
  }

  /** Constant padding: pads = [begin_0..begin_{r-1}, end_0..end_{r-1}] as ONNX Pad; negative pads crop. */
  public static Var pad(Tape t, Var x, int[] pads, float value) {
    Tensor y = t.ops().pad(x.value(), pads, Ops.PadMode.CONSTANT, value);
    // the adjoint crops what was padded and zero-fills what was cropped: the same op with pads negated
    int[] negated = Arrays.stream(pads).map(p -> -p).toArray();
    return t.record(y, g -> new Tensor[] {t.ops().pad(g, negated, Ops.PadMode.CONSTANT, 0f)}, x);
  }

  public static Var concat(Tape t, List<Var> xs, int axis) {
    if (xs.isEmpty()) {
      throw new IllegalArgumentException("concat of no tensors");
    }
    int ax = Views.axis(axis, xs.getFirst().value().rank());
    Tensor y = t.ops().concat(xs.stream().map(Var::value).toList(), axis);
    return t.record(y, g -> {
      Tensor[] parts = new Tensor[xs.size()];
      int start = 0;
      for (int i = 0; i < parts.length; i++) {
        int len = xs.get(i).value().dim(ax);
        parts[i] = g.narrow(ax, start, len);
        start += len;
      }
      return parts;
    }, xs.toArray(Var[]::new));
  }

  /** ONNX Slice (as {@code Ops.slice}); steps may be null for all 1. */
  public static Var slice(Tape t, Var x, int[] starts, int[] ends, int[] axes, int[] steps) {
    int[] st = steps == null ? filledInts(starts.length, 1) : steps;
    int[] ax = axes == null ? java.util.stream.IntStream.range(0, starts.length).toArray() : axes;
    Tensor y = t.ops().slice(x.value(), starts, ends, ax, st);
    int[] xs = x.shape();
    // per input axis, the first index read and the stride between reads
    long[] first = new long[xs.length];
    long[] stride = new long[xs.length];
    Arrays.fill(stride, 1);
    for (int i = 0; i < ax.length; i++) {
      int a = Views.axis(ax[i], xs.length);
      long s = starts[i] < 0 ? (long) starts[i] + xs[a] : starts[i];
      first[a] = st[i] > 0 ? Math.clamp(s, 0, xs[a]) : Math.clamp(s, 0, xs[a] - 1L);
      stride[a] = st[i];
    }
    return t.record(y, g -> new Tensor[] {scatterSlice(t, g, xs, first, stride)}, x);
  }

  /** The adjoint of a strided slice: g's elements written back to the positions they were read from. */
  private static Tensor scatterSlice(Tape t, Tensor g, int[] xs, long[] first, long[] stride) {
    float[] gv = g.toArray();
    int[] gs = g.shape();
    long[] xStrides = Tensor.contiguousStrides(xs);
    float[] dx = new float[Math.toIntExact(Tensor.numel(xs))];
    for (int i = 0; i < gv.length; i++) {
      long rest = i;
      long at = 0;
      for (int d = gs.length - 1; d >= 0; d--) {
        long o = rest % gs[d];
        rest /= gs[d];
        at += (first[d] + o * stride[d]) * xStrides[d];
      }
      dx[(int) at] = gv[i];
    }
    return Tensor.of(t.arena(), dx, xs);
  }

  private static int[] filledInts(int n, int v) {
    int[] a = new int[n];
    Arrays.fill(a, v);
    return a;
  }

  /** Bilinear grid sample (as {@code Ops.gridSample}); gradients flow to both x and the grid. */
  public static Var gridSample(Tape t, Var x, Var grid, GridPadding padding, boolean alignCorners) {
    Ops ops = t.ops();
    Tensor y = ops.gridSample(x.value(), grid.value(), Ops.GridMode.BILINEAR, padding, alignCorners);
    return t.record(y, g -> ops.gridSampleBackward(g, x.value(), grid.value(), padding, alignCorners), x, grid);
  }

  /**
   * Backward warp by a flow in pixels (as {@code Ops.warp}); gradients flow to x and the flow. The
   * backward is grid sample's, for the grid that samples at the same pixels (see {@link WarpGrid}).
   */
  public static Var warp(Tape t, Var x, Var flow, GridPadding padding) {
    Ops ops = t.ops();
    Tensor y = ops.warp(x.value(), flow.value(), padding);
    return t.record(y, g -> {
      boolean aligned = WarpGrid.aligned(padding);
      Tensor grid = WarpGrid.fromFlow(t, flow.value(), aligned); // [N,H,W,2]
      Tensor[] d = ops.gridSampleBackward(g, x.value(), grid, padding, aligned);
      return new Tensor[] {d[0], flow.requiresGrad() ? WarpGrid.toFlowGrad(t, d[1], aligned) : null};
    }, x, flow);
  }
}
