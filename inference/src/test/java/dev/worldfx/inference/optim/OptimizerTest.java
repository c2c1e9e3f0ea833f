package dev.worldfx.inference.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.DType;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.autograd.Pointwise;
import dev.worldfx.inference.autograd.Tape;
import dev.worldfx.inference.autograd.Var;
import dev.worldfx.inference.cpu.CpuOps;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Optimizer steps against values worked by hand. Tolerance 1e-6: the state is stored in float, so
 * results carry a few float32 roundings of values near 1 (~6e-8 each).
 */
class OptimizerTest {
  private static final double TOL = 1e-6;
  private final Arena arena = Arena.ofShared();
  private final Ops ops = new CpuOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  private Var param(float... v) {
    return Var.param(Tensor.of(arena, v, v.length));
  }

  /** Leaves gradient g on p, through a tape: d/dp sum(p * g) = g. */
  private void gradient(Var p, float... g) {
    Tape t = new Tape(ops, arena);
    t.backward(Pointwise.sum(t, Pointwise.mul(t, p, Var.constant(Tensor.of(arena, g, g.length))), new int[0], false));
  }

  @Test
  void adamTwoSteps() {
    Var p = param(1f);
    Adam adam = Adam.adam(List.of(p), 0.1, 0.9, 0.999, 1e-8, 0);
    gradient(p, 0.5f);
    adam.step();
    // m = 0.05, v = 2.5e-4; bias-corrected m/sqrt(v) = 0.05/0.1 / sqrt(2.5e-4/1e-3) = 1: p = 1 - 0.1
    assertEquals(0.9, p.value().getFlat(0), TOL);
    assertNull(p.grad(), "step consumes the gradient");
    gradient(p, -1f);
    adam.step();
    // m = 0.9*0.05 - 0.1 = -0.055, v = 0.999*2.5e-4 + 1e-3 = 1.24975e-3;
    // p = 0.9 + 0.1/(1-0.81) * 0.055 / sqrt(1.24975e-3/(1-0.998001)) = 0.93661035
    assertEquals(0.93661035, p.value().getFlat(0), TOL);
  }

  @Test
  void adamWeightDecayIsL2AdamWIsDecoupled() {
    Var a = param(1f);
    Var b = param(1f);
    Adam l2 = Adam.adam(List.of(a), 0.1, 0.9, 0.999, 1e-8, 0.1);
    Adam decoupled = Adam.adamW(List.of(b), 0.1, 0.9, 0.999, 1e-8, 0.1);
    gradient(a, 0.5f);
    gradient(b, 0.5f);
    l2.step();
    decoupled.step();
    // L2: the gradient becomes 0.6 and Adam's first step is lr * sign: 0.9.
    // AdamW: p *= 1 - lr * wd first (0.99), then the same step: 0.89.
    assertEquals(0.9, a.value().getFlat(0), TOL);
    assertEquals(0.89, b.value().getFlat(0), TOL);
  }

  @Test
  void sgdWithMomentumAndWeightDecay() {
    Var p = param(1f, 2f);
    Sgd sgd = new Sgd(List.of(p), 0.1, 0.9, 0);
    gradient(p, 0.5f, -1f);
    sgd.step(); // b = g: p = [1 - 0.05, 2 + 0.1]
    assertArrayEquals(new float[] {0.95f, 2.1f}, p.value().toArray(), (float) TOL);
    gradient(p, 0.5f, -1f);
    sgd.step(); // b = 0.9 b + g = [0.95, -1.9]: p = [0.95 - 0.095, 2.1 + 0.19]
    assertArrayEquals(new float[] {0.855f, 2.29f}, p.value().toArray(), (float) TOL);

    Var q = param(1f);
    Sgd decay = new Sgd(List.of(q), 0.1, 0.9, 0.1);
    gradient(q, 0.5f);
    decay.step(); // g = 0.5 + 0.1 * 1
    assertEquals(0.94, q.value().getFlat(0), TOL);
  }

  @Test
  void aParameterWithoutGradientKeepsItsValueAndState() {
    Var used = param(1f);
    Var idle = param(1f);
    Adam adam = Adam.adam(List.of(used, idle), 0.1, 0.9, 0.999, 1e-8, 0);
    gradient(used, 0.5f);
    adam.step();
    assertEquals(1.0, idle.value().getFlat(0));
    gradient(idle, 0.5f);
    adam.step();
    // idle's first real step is bias-corrected as a first step: exactly lr
    assertEquals(0.9, idle.value().getFlat(0), TOL);
  }

  @Test
  void badParametersAndSettingsAreRefused() {
    Var p = param(1f);
    assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(p, p), 0.1, 0, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new Sgd(List.of(Var.constant(Tensor.of(arena, new float[] {1}, 1))), 0.1, 0, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new Sgd(List.of(Var.param(Tensor.allocate(arena, DType.F16, 2))), 0.1, 0, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new Sgd(List.of(Var.param(Tensor.zeros(arena, 2, 3).transpose(0, 1))), 0.1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Adam.adamW(List.of(p), 0.1, 1.0, 0.999, 1e-8, 0));
    assertThrows(IllegalArgumentException.class, () -> Adam.adam(List.of(p), Double.NaN, 0.9, 0.999, 1e-8, 0));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(p), 0.1, -0.5, 0));
  }
}
