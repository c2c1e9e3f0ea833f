package dev.worldfx.inference.ref;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/** Scalar reference of the pointwise ops. */
final class RefPointwise {
  private RefPointwise() {}

  static Tensor unary(OpContext ctx, Ops.Unary op, Tensor x, float alpha) {
    throw new UnsupportedOperationException("unary: reference not written yet");
  }

  static Tensor binary(OpContext ctx, Ops.Binary op, Tensor a, Tensor b) {
    throw new UnsupportedOperationException("binary: reference not written yet");
  }

  static Tensor reduce(OpContext ctx, Ops.Reduce op, Tensor x, int[] axes, boolean keepDims) {
    throw new UnsupportedOperationException("reduce: reference not written yet");
  }

  static Tensor softmax(OpContext ctx, Tensor x, int axis) {
    throw new UnsupportedOperationException("softmax: reference not written yet");
  }
}
