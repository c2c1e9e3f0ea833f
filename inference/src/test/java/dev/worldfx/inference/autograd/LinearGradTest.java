package dev.worldfx.inference.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.worldfx.inference.Conv2dParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of matmul, linear, conv2d and convTranspose2d (tolerance: see GradCheck). */
class LinearGradTest {
  private final GradCheck gc = new GradCheck(11);

  @AfterEach
  void close() {
    gc.close();
  }

  private static Conv2dParams params(int sh, int sw, int pt, int pl, int pb, int pr, int dh, int dw, int g, int oph,
      int opw) {
    return new Conv2dParams(sh, sw, pt, pl, pb, pr, dh, dw, g, oph, opw);
  }

  @Test
  void matmul2d() {
    gc.check((t, in) -> Linear.matmul(t, in[0], in[1]), gc.param(3, 4), gc.param(4, 2));
  }

  @Test
  void matmulBroadcastsBatchDims() {
    // [2,1,3,4] x [3,4,2] -> [2,3,3,2]: a's grad sums over the 3 it was broadcast to, b's over the 2
    gc.check((t, in) -> Linear.matmul(t, in[0], in[1]), gc.param(2, 1, 3, 4), gc.param(3, 4, 2));
    gc.check((t, in) -> Linear.matmul(t, in[0], in[1]), gc.param(3, 4), gc.param(2, 4, 3));
  }

  @Test
  void matmulOneDimensional() {
    gc.check((t, in) -> Linear.matmul(t, in[0], in[1]), gc.param(4), gc.param(4, 3));
    gc.check((t, in) -> Linear.matmul(t, in[0], in[1]), gc.param(2, 3, 4), gc.param(4));
    gc.check((t, in) -> {
      Var dot = Linear.matmul(t, in[0], in[1]);
      assertArrayEquals(new int[0], dot.shape());
      return dot;
    }, gc.param(5), gc.param(5));
  }

  @Test
  void matmulWithAConstantOperand() {
    gc.check((t, in) -> Linear.matmul(t, in[0], in[1]), gc.constant(3, 4), gc.param(4, 2));
  }

  @Test
  void linearWithAndWithoutBias() {
    gc.check((t, in) -> Linear.linear(t, in[0], in[1], in[2]), gc.param(2, 3, 4), gc.param(5, 4), gc.param(5));
    gc.check((t, in) -> Linear.linear(t, in[0], in[1], null), gc.param(3, 4), gc.param(2, 4));
    gc.check((t, in) -> Linear.linear(t, in[0], in[1], in[2]), gc.constant(6, 3), gc.param(2, 3), gc.param(2));
  }

  @Test
  void conv2dPaddedWithBias() {
    gc.check((t, in) -> Linear.conv2d(t, in[0], in[1], in[2], Conv2dParams.of(1, 1)),
        gc.param(2, 3, 5, 5), gc.param(4, 3, 3, 3), gc.param(4));
  }

  @Test
  void conv2dStridedAsymmetricPadding() {
    Conv2dParams p = params(2, 1, 1, 0, 0, 2, 1, 1, 1, 0, 0);
    gc.check((t, in) -> Linear.conv2d(t, in[0], in[1], null, p), gc.param(1, 2, 6, 5), gc.param(3, 2, 3, 2));
  }

  @Test
  void conv2dDilated() {
    Conv2dParams p = Conv2dParams.of(1, 2).withDilation(2, 2);
    gc.check((t, in) -> Linear.conv2d(t, in[0], in[1], in[2], p), gc.param(1, 2, 5, 6), gc.param(2, 2, 3, 3),
        gc.param(2));
  }

  @Test
  void conv2dGroupedAndDepthwise() {
    Conv2dParams grouped = Conv2dParams.of(1, 1).withGroups(2);
    gc.check((t, in) -> Linear.conv2d(t, in[0], in[1], in[2], grouped), gc.param(1, 4, 4, 5), gc.param(6, 2, 3, 3),
        gc.param(6));
    Conv2dParams depthwise = Conv2dParams.of(2, 1).withGroups(3);
    gc.check((t, in) -> Linear.conv2d(t, in[0], in[1], null, depthwise), gc.param(2, 3, 5, 5), gc.param(3, 1, 3, 3));
  }

  @Test
  void convTranspose2dStrideTwoWithOutputPadding() {
    // [1,3,3,3] -> [1,2,6,6]: (3-1)*2 - 2 + 3 + 1
    Conv2dParams p = params(2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    gc.check((t, in) -> Linear.convTranspose2d(t, in[0], in[1], in[2], p), gc.param(1, 3, 3, 3),
        gc.param(3, 2, 3, 3), gc.param(2));
  }

  @Test
  void convTranspose2dGroupedDilatedAsymmetric() {
    // groups 2: x [1,4,3,3], w [4,3,2,3] -> O = 6; strides (2,3), pads t1 l0 b0 r2, dilation (2,1)
    Conv2dParams p = params(2, 3, 1, 0, 0, 2, 2, 1, 2, 0, 1);
    gc.check((t, in) -> Linear.convTranspose2d(t, in[0], in[1], in[2], p), gc.param(2, 4, 3, 3),
        gc.param(4, 3, 2, 3), gc.param(6));
  }
}
