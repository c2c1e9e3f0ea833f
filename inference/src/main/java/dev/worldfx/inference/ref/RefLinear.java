package dev.worldfx.inference.ref;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/** Scalar reference of the linear ops. */
final class RefLinear {
  private RefLinear() {}

  static Tensor matmul(OpContext ctx, Tensor a, Tensor b) {
    throw new UnsupportedOperationException("matmul: reference not written yet");
  }

  static Tensor gemm(OpContext ctx, Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, float alpha, float beta) {
    throw new UnsupportedOperationException("gemm: reference not written yet");
  }
}
