package dev.worldfx.inference.ref;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/** Scalar reference of the spatial ops. */
final class RefSpatial {
  private RefSpatial() {}

  static Tensor resize(OpContext ctx, Tensor x, int outH, int outW, Ops.ResizeMode mode, Ops.CoordMode coord, Ops.NearestMode nearest, float cubicA) {
    throw new UnsupportedOperationException("resize: reference not written yet");
  }

  static Tensor pixelShuffle(OpContext ctx, Tensor x, int r) {
    throw new UnsupportedOperationException("pixelShuffle: reference not written yet");
  }

  static Tensor pad(OpContext ctx, Tensor x, int[] pads, Ops.PadMode mode, float value) {
    throw new UnsupportedOperationException("pad: reference not written yet");
  }

  static Tensor concat(OpContext ctx, List<Tensor> xs, int axis) {
    throw new UnsupportedOperationException("concat: reference not written yet");
  }

  static Tensor slice(OpContext ctx, Tensor x, int[] starts, int[] ends, int[] axes, int[] steps) {
    throw new UnsupportedOperationException("slice: reference not written yet");
  }

  static Tensor gridSample(OpContext ctx, Tensor x, Tensor grid, Ops.GridMode mode, Ops.GridPadding padding, boolean alignCorners) {
    throw new UnsupportedOperationException("gridSample: reference not written yet");
  }

  static Tensor[] gridSampleBackward(OpContext ctx, Tensor gradOut, Tensor x, Tensor grid, Ops.GridPadding padding, boolean alignCorners) {
    throw new UnsupportedOperationException("gridSampleBackward: reference not written yet");
  }

  static Tensor warp(OpContext ctx, Tensor x, Tensor flow, Ops.GridPadding padding) {
    throw new UnsupportedOperationException("warp: reference not written yet");
  }
}
