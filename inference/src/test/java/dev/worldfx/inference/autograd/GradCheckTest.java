package dev.worldfx.inference.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The checker itself: it must reject a gradient that is slightly wrong. */
class GradCheckTest {
  private final GradCheck gc = new GradCheck(3);

  @AfterEach
  void close() {
    gc.close();
  }

  @Test
  void catchesAGradientTwoPercentOff() {
    // y = 2x with a backward claiming 2.04
    GradCheck.Fn wrong = (t, in) -> t.record(t.ops().binary(Ops.Binary.MUL, in[0].value(), t.scalar(2f)),
        g -> new Tensor[] {t.ops().binary(Ops.Binary.MUL, g, t.scalar(2.04f))}, in[0]);
    assertThrows(AssertionFailedError.class, () -> gc.check(wrong, gc.param(3, 4)));
    assertThrows(AssertionFailedError.class, () -> gc.checkDirections(wrong, 1, gc.param(3, 4)));
    GradCheck.Fn right = (t, in) -> t.record(t.ops().binary(Ops.Binary.MUL, in[0].value(), t.scalar(2f)),
        g -> new Tensor[] {t.ops().binary(Ops.Binary.MUL, g, t.scalar(2f))}, in[0]);
    gc.check(right, gc.param(3, 4));
    gc.checkDirections(right, 1, gc.param(3, 4));
  }

  @Test
  void catchesAMissingBroadcastSum() {
    // a [3,1] + b [3,4] whose backward forgets to scale a's grad by the 4 copies: off by 4x
    GradCheck.Fn wrong = (t, in) -> t.record(t.ops().binary(Ops.Binary.ADD, in[0].value(), in[1].value()),
        g -> new Tensor[] {t.ops().reduce(Ops.Reduce.MEAN, g, new int[] {1}, true), g}, in[0], in[1]);
    assertThrows(AssertionFailedError.class, () -> gc.check(wrong, gc.param(3, 1), gc.param(3, 4)));
  }
}
