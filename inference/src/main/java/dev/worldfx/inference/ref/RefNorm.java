package dev.worldfx.inference.ref;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/** Scalar reference of the norm ops. */
final class RefNorm {
  private RefNorm() {}

  static Tensor batchNorm(OpContext ctx, Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, float eps) {
    throw new UnsupportedOperationException("batchNorm: reference not written yet");
  }

  static Tensor groupNorm(OpContext ctx, Tensor x, int groups, Tensor scale, Tensor bias, float eps) {
    throw new UnsupportedOperationException("groupNorm: reference not written yet");
  }

  static Tensor layerNorm(OpContext ctx, Tensor x, int axis, Tensor scale, Tensor bias, float eps) {
    throw new UnsupportedOperationException("layerNorm: reference not written yet");
  }

  static Tensor attention(OpContext ctx, Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
    throw new UnsupportedOperationException("attention: reference not written yet");
  }
}
