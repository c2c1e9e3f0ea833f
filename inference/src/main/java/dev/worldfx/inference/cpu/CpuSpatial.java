package dev.worldfx.inference.cpu;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/** Fast CPU kernels of the spatial ops; what is not covered goes to the reference. */
final class CpuSpatial {
  private CpuSpatial() {}

  static Tensor resize(OpContext ctx, Tensor x, int outH, int outW, Ops.ResizeMode mode, Ops.CoordMode coord, Ops.NearestMode nearest, float cubicA) {
    return ctx.reference().resize(x, outH, outW, mode, coord, nearest, cubicA);
  }

  static Tensor pixelShuffle(OpContext ctx, Tensor x, int r) {
    return ctx.reference().pixelShuffle(x, r);
  }

  static Tensor pad(OpContext ctx, Tensor x, int[] pads, Ops.PadMode mode, float value) {
    return ctx.reference().pad(x, pads, mode, value);
  }

  static Tensor concat(OpContext ctx, List<Tensor> xs, int axis) {
    return ctx.reference().concat(xs, axis);
  }

  static Tensor slice(OpContext ctx, Tensor x, int[] starts, int[] ends, int[] axes, int[] steps) {
    return ctx.reference().slice(x, starts, ends, axes, steps);
  }

  static Tensor gridSample(OpContext ctx, Tensor x, Tensor grid, Ops.GridMode mode, Ops.GridPadding padding, boolean alignCorners) {
    return ctx.reference().gridSample(x, grid, mode, padding, alignCorners);
  }

  static Tensor[] gridSampleBackward(OpContext ctx, Tensor gradOut, Tensor x, Tensor grid, Ops.GridPadding padding, boolean alignCorners) {
    return ctx.reference().gridSampleBackward(gradOut, x, grid, padding, alignCorners);
  }

  static Tensor warp(OpContext ctx, Tensor x, Tensor flow, Ops.GridPadding padding) {
    return ctx.reference().warp(x, flow, padding);
  }
}
