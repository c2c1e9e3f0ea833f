package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops.Unary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of views, attention and the losses (tolerance: see GradCheck). */
class CompositeGradTest {
  private final GradCheck gc = new GradCheck(19);

  @AfterEach
  void close() {
    gc.close();
  }

  @Test
  void views() {
    gc.check((t, in) -> Views.reshape(t, in[0], 4, -1), gc.param(2, 3, 2));
    gc.check((t, in) -> Views.transpose(t, in[0], 0, -1), gc.param(2, 3, 4));
    gc.check((t, in) -> Views.permute(t, in[0], 2, 0, 1), gc.param(2, 3, 4));
    // a view feeding an op that needs its values contiguous
    gc.check((t, in) -> Views.reshape(t, Views.transpose(t, in[0], 0, 1), 6), gc.param(2, 3));
  }

  @Test
  void attention() {
    // q [2,3,4], k [2,5,4], v [2,5,2], default scale
    gc.check((t, in) -> Attention.attention(t, in[0], in[1], in[2], null, Float.NaN), gc.param(2, 3, 4),
        gc.param(2, 5, 4), gc.param(2, 5, 2));
  }

  @Test
  void attentionWithMaskAndExplicitScale() {
    // mask [3,5] broadcast over the batch; a trainable additive bias as in relative-position attention
    gc.check((t, in) -> Attention.attention(t, in[0], in[1], in[2], in[3], 0.7f), gc.param(2, 3, 4), gc.param(2, 5, 4),
        gc.param(2, 5, 3), gc.param(3, 5));
  }

  @Test
  void mse() {
    gc.check((t, in) -> Losses.mse(t, in[0], in[1]), gc.param(2, 3, 4), gc.param(2, 3, 4));
    gc.check((t, in) -> Losses.mse(t, in[0], in[1]), gc.param(2, 3), gc.constant(2, 3));
  }

  @Test
  void charbonnier() {
    // |pred - target| >= 0.1 or eps = 0.1: smooth over the step either way
    gc.check((t, in) -> Losses.charbonnier(t, in[0], in[1], 1e-1f), gc.param(2, 3, 4), gc.constant(2, 3, 4));
    gc.check((t, in) -> Losses.charbonnier(t, in[0], in[1], 1e-3f), GradCheck.param(gc.awayFromZero(12), 3, 4),
        GradCheck.constant(new float[12], 3, 4));
  }

  @Test
  void crossEntropy() {
    gc.check((t, in) -> Losses.crossEntropy(t, in[0], new int[] {2, 0, 3}), gc.param(3, 4));
  }

  @Test
  void aSmallNetworkEndToEnd() {
    // linear -> gelu -> layerNorm -> linear -> mse: gradients through a chain of ops
    gc.check((t, in) -> {
      Var h = Pointwise.unary(t, Unary.GELU, Linear.linear(t, in[0], in[1], in[2]));
      Var y = Linear.linear(t, Normalization.layerNorm(t, h, -1, null, null, 1e-5f), in[3], null);
      return Losses.mse(t, y, in[4]);
    }, gc.param(3, 4), gc.param(5, 4), gc.param(5), gc.param(2, 5), gc.constant(3, 2));
  }
}
