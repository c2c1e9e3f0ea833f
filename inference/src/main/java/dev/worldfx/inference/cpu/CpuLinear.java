package dev.worldfx.inference.cpu;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/** Fast CPU kernels of the linear ops; what is not covered goes to the reference. */
final class CpuLinear {
  private CpuLinear() {}

  static Tensor matmul(OpContext ctx, Tensor a, Tensor b) {
    return ctx.reference().matmul(a, b);
  }

  static Tensor gemm(OpContext ctx, Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, float alpha, float beta) {
    return ctx.reference().gemm(a, b, c, transA, transB, alpha, beta);
  }
}
