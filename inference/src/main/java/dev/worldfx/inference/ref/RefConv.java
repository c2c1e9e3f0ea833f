package dev.worldfx.inference.ref;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/** Scalar reference of the conv ops. */
final class RefConv {
  private RefConv() {}

  static Tensor conv2d(OpContext ctx, Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    throw new UnsupportedOperationException("conv2d: reference not written yet");
  }

  static Tensor convTranspose2d(OpContext ctx, Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    throw new UnsupportedOperationException("convTranspose2d: reference not written yet");
  }

  static Tensor conv2dBackwardInput(OpContext ctx, Tensor gradOut, Tensor w, int[] inputShape, Conv2dParams p) {
    throw new UnsupportedOperationException("conv2dBackwardInput: reference not written yet");
  }

  static Tensor conv2dBackwardWeight(OpContext ctx, Tensor x, Tensor gradOut, int[] weightShape, Conv2dParams p) {
    throw new UnsupportedOperationException("conv2dBackwardWeight: reference not written yet");
  }
}
