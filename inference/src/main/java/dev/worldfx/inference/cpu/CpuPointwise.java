package dev.worldfx.inference.cpu;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/** Fast CPU kernels of the pointwise ops; what is not covered goes to the reference. */
final class CpuPointwise {
  private CpuPointwise() {}

  static Tensor unary(OpContext ctx, Ops.Unary op, Tensor x, float alpha) {
    return ctx.reference().unary(op, x, alpha);
  }

  static Tensor binary(OpContext ctx, Ops.Binary op, Tensor a, Tensor b) {
    return ctx.reference().binary(op, a, b);
  }

  static Tensor reduce(OpContext ctx, Ops.Reduce op, Tensor x, int[] axes, boolean keepDims) {
    return ctx.reference().reduce(op, x, axes, keepDims);
  }

  static Tensor softmax(OpContext ctx, Tensor x, int axis) {
    return ctx.reference().softmax(x, axis);
  }
}
