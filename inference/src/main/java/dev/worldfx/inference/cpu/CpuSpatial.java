package dev.worldfx.inference.cpu;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.SpatialShapes;
import java.util.List;

/**
 * Fast CPU kernels of the spatial ops, on all cores: resize in {@link ResizeKernel}, grid sampling and warp in
 * {@link GridSampleKernel}, the data-movement ops in {@link SpatialCopy}. Every case is covered.
 */
final class CpuSpatial {
  private static final int THREADS = CpuThreads.THREADS;

  private CpuSpatial() {}

  static Tensor resize(OpContext ctx, Tensor x, int outH, int outW, Ops.ResizeMode mode, Ops.CoordMode coord, Ops.NearestMode nearest, float cubicA) {
    int[] s = SpatialShapes.resize(x, outH, outW);
    return ResizeKernel.resize(ctx, x, outH, outW, (double) outH / s[2], (double) outW / s[3], mode, coord, nearest,
        cubicA, THREADS);
  }

  static Tensor resize(OpContext ctx, Tensor x, int outH, int outW, double scaleH, double scaleW, Ops.ResizeMode mode,
      Ops.CoordMode coord, Ops.NearestMode nearest, float cubicA) {
    SpatialShapes.resize(x, outH, outW);
    return ResizeKernel.resize(ctx, x, outH, outW, scaleH, scaleW, mode, coord, nearest, cubicA, THREADS);
  }

  static Tensor pixelShuffle(OpContext ctx, Tensor x, int r) {
    return SpatialCopy.pixelShuffle(ctx, x, r, THREADS);
  }

  static Tensor pad(OpContext ctx, Tensor x, int[] pads, Ops.PadMode mode, float value) {
    return SpatialCopy.pad(ctx, x, pads, mode, value, THREADS);
  }

  static Tensor concat(OpContext ctx, List<Tensor> xs, int axis) {
    return SpatialCopy.concat(ctx, xs, axis, THREADS);
  }

  static Tensor slice(OpContext ctx, Tensor x, int[] starts, int[] ends, int[] axes, int[] steps) {
    return SpatialCopy.slice(ctx, x, starts, ends, axes, steps, THREADS);
  }

  static Tensor gridSample(OpContext ctx, Tensor x, Tensor grid, Ops.GridMode mode, Ops.GridPadding padding, boolean alignCorners) {
    return GridSampleKernel.gridSample(ctx, x, grid, mode, padding, alignCorners, THREADS);
  }

  static Tensor[] gridSampleBackward(OpContext ctx, Tensor gradOut, Tensor x, Tensor grid, Ops.GridPadding padding, boolean alignCorners) {
    return GridSampleKernel.gridSampleBackward(ctx, gradOut, x, grid, padding, alignCorners, THREADS);
  }

  static Tensor warp(OpContext ctx, Tensor x, Tensor flow, Ops.GridPadding padding) {
    return GridSampleKernel.warp(ctx, x, flow, padding, THREADS);
  }
}
