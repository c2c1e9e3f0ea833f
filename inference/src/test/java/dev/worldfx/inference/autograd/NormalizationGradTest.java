package dev.worldfx.inference.autograd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of layer and group normalisation (tolerance: see GradCheck). */
class NormalizationGradTest {
  private final GradCheck gc = new GradCheck(7);

  @AfterEach
  void close() {
    gc.close();
  }

  @Test
  void layerNormLastAxisWithAffine() {
    gc.check((t, in) -> Normalization.layerNorm(t, in[0], -1, in[1], in[2], 1e-5f), gc.param(2, 3, 5), gc.param(5),
        gc.param(5));
  }

  @Test
  void layerNormOverTwoAxesWithBroadcastParams() {
    // normalised over [3,4]; scale [1,4] broadcast along the 3, bias [3,4]
    gc.check((t, in) -> Normalization.layerNorm(t, in[0], 1, in[1], in[2], 1e-5f), gc.param(2, 3, 4), gc.param(1, 4),
        gc.param(3, 4));
  }

  @Test
  void layerNormWithoutAffineAndLargeEps() {
    gc.check((t, in) -> Normalization.layerNorm(t, in[0], 1, null, null, 0.5f), gc.param(3, 6));
  }

  @Test
  void groupNormWithAffine() {
    gc.check((t, in) -> Normalization.groupNorm(t, in[0], 2, in[1], in[2], 1e-5f), gc.param(2, 4, 3, 2), gc.param(4),
        gc.param(4));
  }

  @Test
  void groupNormOneGroupAndPerChannel() {
    gc.check((t, in) -> Normalization.groupNorm(t, in[0], 1, null, null, 1e-5f), gc.param(2, 3, 2, 2));
    gc.check((t, in) -> Normalization.groupNorm(t, in[0], 3, in[1], null, 1e-3f), gc.param(1, 3, 3, 3), gc.param(3));
  }
}
