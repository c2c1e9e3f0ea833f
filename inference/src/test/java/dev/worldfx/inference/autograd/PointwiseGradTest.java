package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops.Binary;
import dev.worldfx.inference.Ops.Unary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Finite-difference checks of the elementwise ops, reductions and softmax (tolerance: see GradCheck). */
class PointwiseGradTest {
  private final GradCheck gc = new GradCheck(5);

  @AfterEach
  void close() {
    gc.close();
  }

  @ParameterizedTest
  @EnumSource(value = Binary.class, names = {"ADD", "SUB", "MUL", "DIV"})
  void binarySameShape(Binary op) {
    gc.check((t, in) -> Pointwise.binary(t, op, in[0], in[1]), gc.param(2, 3), divisorSafe(op, 2, 3));
  }

  @ParameterizedTest
  @EnumSource(value = Binary.class, names = {"ADD", "SUB", "MUL", "DIV"})
  void binaryBroadcastsBothWays(Binary op) {
    // [2,3,4] op [3,1]: b summed over the leading 2 and the 4; [2,1,4] op [3,1]: both broadcast
    gc.check((t, in) -> Pointwise.binary(t, op, in[0], in[1]), gc.param(2, 3, 4), divisorSafe(op, 3, 1));
    gc.check((t, in) -> Pointwise.binary(t, op, in[0], in[1]), gc.param(2, 1, 4), divisorSafe(op, 3, 1));
    gc.check((t, in) -> Pointwise.binary(t, op, in[0], in[1]), gc.param(4), divisorSafe(op, 2, 4));
  }

  @ParameterizedTest
  @EnumSource(value = Binary.class, names = {"ADD", "SUB", "MUL", "DIV"})
  void binaryWithAScalarAndAConstant(Binary op) {
    gc.check((t, in) -> Pointwise.binary(t, op, in[0], in[1]), gc.param(3, 2), divisorSafe(op));
    gc.check((t, in) -> Pointwise.binary(t, op, in[0], in[1]), gc.constant(3, 2), divisorSafe(op, 2));
    GradCheck.Input divisor = divisorSafe(op, 3, 2);
    gc.check((t, in) -> Pointwise.binary(t, op, in[0], in[1]), gc.param(3, 2),
        GradCheck.constant(divisor.values(), divisor.shape()));
  }

  /** A differentiable input; for DIV kept in [0.5, 1.5] so 1/b stays smooth over the step. */
  private GradCheck.Input divisorSafe(Binary op, int... shape) {
    int n = (int) dev.worldfx.inference.Tensor.numel(shape);
    return GradCheck.param(op == Binary.DIV ? gc.uniform(n, 0.5, 1.5) : gc.uniform(n, -1, 1), shape);
  }

  @Test
  void scaleAndAddConstant() {
    gc.check((t, in) -> Pointwise.scale(t, in[0], -2.5f), gc.param(2, 3));
    gc.check((t, in) -> Pointwise.addConstant(t, in[0], 0.75f), gc.param(2, 3));
  }

  @ParameterizedTest
  @EnumSource(Unary.class)
  void unary(Unary op) {
    // log and sqrt on [0.5, 2] (f''' stays small); the rest on +-[0.1, 1], clear of kinks at 0
    float[] x = op == Unary.LOG || op == Unary.SQRT ? gc.uniform(24, 0.5, 2) : gc.awayFromZero(24);
    gc.check((t, in) -> Pointwise.unary(t, op, in[0], 0.2f), GradCheck.param(x, 2, 3, 4));
  }

  @Test
  void unaryOnAWiderRange() {
    // gelu, silu, sigmoid, tanh, exp where they bend most, x in +-[0.1, 3]
    for (Unary op : new Unary[] {Unary.GELU, Unary.GELU_TANH, Unary.SILU, Unary.SIGMOID, Unary.TANH, Unary.EXP}) {
      float[] x = gc.awayFromZero(20);
      for (int i = 0; i < x.length; i++) {
        x[i] *= 3;
      }
      gc.check((t, in) -> Pointwise.unary(t, op, in[0]), GradCheck.param(x, 4, 5));
    }
  }

  @Test
  void sumAndMean() {
    for (boolean keep : new boolean[] {true, false}) {
      gc.check((t, in) -> Pointwise.sum(t, in[0], new int[] {1}, keep), gc.param(2, 3, 4));
      gc.check((t, in) -> Pointwise.mean(t, in[0], new int[] {0, -1}, keep), gc.param(2, 3, 4));
      gc.check((t, in) -> Pointwise.sum(t, in[0], new int[0], keep), gc.param(3, 4));
      gc.check((t, in) -> Pointwise.mean(t, in[0], new int[0], keep), gc.param(3, 4));
    }
  }

  @Test
  void softmaxAlongEachAxis() {
    for (int axis : new int[] {0, 1, 2}) {
      gc.check((t, in) -> Pointwise.softmax(t, in[0], axis), gc.param(2, 3, 4));
    }
  }
}
