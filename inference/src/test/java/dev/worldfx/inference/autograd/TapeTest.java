package dev.worldfx.inference.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.Unary;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tape's bookkeeping, on values worked by hand. */
class TapeTest {
  private final Arena arena = Arena.ofShared();
  private final Ops ops = new CpuOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  private Var param(float... v) {
    return Var.param(Tensor.of(arena, v, v.length));
  }

  @Test
  void aVarUsedTwiceGetsBothContributions() {
    // L = sum(x * x + 3x): dL/dx = 2x + 3
    Tape t = new Tape(ops, arena);
    Var x = param(1, -2, 0.5f);
    Var l = Pointwise.sum(t, Pointwise.add(t, Pointwise.mul(t, x, x), Pointwise.scale(t, x, 3)), new int[0], false);
    t.backward(l);
    assertArrayEquals(new float[] {5, -1, 4}, x.grad().toArray());
  }

  @Test
  void handWorkedChain() {
    // L = mean(relu(w * x - 1)) with x = [1, 2, 3], w = 1.5: pre = [0.5, 2, 3.5], all positive;
    // dL/dw = mean(x) = 2, dL/dx = w / 3 = 0.5 each
    Tape t = new Tape(ops, arena);
    Var x = param(1, 2, 3);
    Var w = Var.param(Tensor.of(arena, new float[] {1.5f}, 1));
    Var l = Pointwise.mean(t, Pointwise.unary(t, Unary.RELU, Pointwise.addConstant(t, Pointwise.mul(t, w, x), -1)),
        new int[0], false);
    t.backward(l);
    assertArrayEquals(new float[] {2}, w.grad().toArray());
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, x.grad().toArray());
  }

  @Test
  void backwardReplacesEarlierGradients() {
    Tape t = new Tape(ops, arena);
    Var x = param(1, 2);
    Var l = Pointwise.sum(t, Pointwise.mul(t, x, x), new int[0], false);
    t.backward(l);
    t.backward(l);
    assertArrayEquals(new float[] {2, 4}, x.grad().toArray());
  }

  @Test
  void constantsNeitherRecordNorReceiveGradients() {
    Tape t = new Tape(ops, arena);
    Var c = Var.constant(Tensor.of(arena, new float[] {1, 2}, 2));
    Var x = param(3, 4);
    Var unused = param(5);
    Var onlyConstants = Pointwise.scale(t, c, 2);
    assertFalse(onlyConstants.requiresGrad());
    Var l = Pointwise.sum(t, Pointwise.mul(t, x, onlyConstants), new int[0], false);
    t.backward(l);
    assertArrayEquals(new float[] {2, 4}, x.grad().toArray());
    assertNull(c.grad());
    assertNull(unused.grad());
    assertThrows(IllegalArgumentException.class,
        () -> t.backward(Pointwise.sum(t, onlyConstants, new int[0], false)));
  }

  @Test
  void lossMustBeScalar() {
    Tape t = new Tape(ops, arena);
    Var x = param(1, 2);
    assertThrows(IllegalArgumentException.class, () -> t.backward(Pointwise.scale(t, x, 2)));
  }

  @Test
  void unsupportedGradientsAreRefusedClearly() {
    Tape t = new Tape(ops, arena);
    Var x = param(1, 2);
    assertThrows(IllegalArgumentException.class, () -> Pointwise.binary(t, Ops.Binary.POW, x, x));
    assertThrows(IllegalArgumentException.class, () -> Linear.linear(t, x, Var.constant(Tensor.zeros(arena, 3, 3)), null));
  }
}
