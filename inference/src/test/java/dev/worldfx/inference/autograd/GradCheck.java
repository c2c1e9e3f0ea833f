package dev.worldfx.inference.autograd;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;

/**
 * Finite-difference gradient check. For y = f(inputs) and a fixed random R of y's shape, the tape's
 * vector-Jacobian product R^T dy/dx is compared, for every element of every differentiable input,
 * with the central difference (L(x + h) - L(x - h)) / (x+ - x-) of L = sum(y * R), L summed in
 * double from the float outputs and x+, x- the float-rounded perturbed inputs.
 *
 * <p>Tolerance: |numeric - analytic| <= 1e-3 * (1 + |analytic|). Error budget with h = 1e-2 and
 * inputs O(1): outputs not touched by the perturbation are bit-identical in both evaluations (the
 * ops are deterministic) and cancel; the few touched ones carry float32 rounding ~6e-8 relative each,
 * ~1e-4 after dividing by 2h for the tens of touched outputs of a conv; the truncation error h^2/6
 * f''' stays below ~3e-4 for the smooth functions and input ranges the tests use, and is 0 for
 * functions linear in the perturbed input. Inputs are kept at least 2h away from kinks (relu at 0,
 * pixel boundaries of bilinear sampling). A wrong gradient is off by O(1) relative; see
 * GradCheckTest for the check catching a 2 % error.
 */
final class GradCheck implements AutoCloseable {
  static final double TOLERANCE = 1e-3;

  /** A function under test, built on the given tape from the inputs (in the order given). */
  @FunctionalInterface
  interface Fn {
    Var apply(Tape t, Var[] in);
  }

  record Input(float[] values, int[] shape, boolean differentiable) {
    Input {
      if (Tensor.numel(shape) != values.length) {
        throw new IllegalArgumentException(values.length + " values for " + Arrays.toString(shape));
      }
    }
  }

  final Arena arena = Arena.ofShared();
  final Ops ops = new CpuOps(arena);
  private final Random random;

  GradCheck(long seed) {
    random = new Random(seed);
  }

  @Override
  public void close() {
    arena.close();
  }

  /** Uniform values in [lo, hi). */
  float[] uniform(int n, double lo, double hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (lo + (hi - lo) * random.nextDouble());
    }
    return v;
  }

  /** Uniform in [-1, 1) with magnitude at least 0.1: clear of kinks at 0 by more than 2h. */
  float[] awayFromZero(int n) {
    float[] v = uniform(n, 0.1, 1);
    for (int i = 0; i < n; i++) {
      v[i] = random.nextBoolean() ? v[i] : -v[i];
    }
    return v;
  }

  Input param(int... shape) {
    return new Input(uniform((int) Tensor.numel(shape), -1, 1), shape, true);
  }

  static Input param(float[] values, int... shape) {
    return new Input(values, shape, true);
  }

  Input constant(int... shape) {
    return new Input(uniform((int) Tensor.numel(shape), -1, 1), shape, false);
  }

  static Input constant(float[] values, int... shape) {
    return new Input(values, shape, false);
  }

  void check(Fn f, Input... inputs) {
    check(f, 1e-2, inputs);
  }

  void check(Fn f, double h, Input... inputs) {
    Analytic a = analytic(f, inputs);
    Var[] vars = a.vars();
    float[] r = a.r();
    for (int i = 0; i < inputs.length; i++) {
      if (!inputs[i].differentiable) {
        assertNull(vars[i].grad(), "a gradient for constant input " + i);
        continue;
      }
      assertNotNull(vars[i].grad(), "no gradient for input " + i);
      float[] analytic = vars[i].grad().toArray();
      float[] x = inputs[i].values.clone();
      for (int j = 0; j < x.length; j++) {
        float plus = (float) (inputs[i].values[j] + h);
        float minus = (float) (inputs[i].values[j] - h);
        x[j] = plus;
        double lPlus = loss(f, inputs, i, x, r);
        x[j] = minus;
        double lMinus = loss(f, inputs, i, x, r);
        x[j] = inputs[i].values[j];
        double numeric = (lPlus - lMinus) / ((double) plus - minus);
        double err = Math.abs(numeric - analytic[j]);
        if (!(err <= TOLERANCE * (1 + Math.abs(analytic[j])))) {
          fail("input " + i + " element " + j + " of " + Arrays.toString(inputs[i].shape) + ": analytic " + analytic[j]
              + ", numeric " + numeric);
        }
      }
    }
  }

  /**
   * For shapes too large to perturb element by element: per differentiable input, {@code directions}
   * random directions d of +-1 entries; (L(x + h d) - L(x - h d)) / 2h against the analytic sum of
   * grad * (x+ - x-) / 2h over the float-rounded perturbed inputs. Same tolerance: here every output
   * moves, so rounding no longer cancels, but it grows as sqrt(outputs) while the directional
   * derivative, the tolerance's scale, grows as sqrt(inputs).
   */
  void checkDirections(Fn f, int directions, Input... inputs) {
    double h = 1e-2;
    Analytic a = analytic(f, inputs);
    Var[] vars = a.vars();
    float[] r = a.r();
    for (int i = 0; i < inputs.length; i++) {
      if (!inputs[i].differentiable) {
        continue;
      }
      assertNotNull(vars[i].grad(), "no gradient for input " + i);
      float[] analytic = vars[i].grad().toArray();
      float[] x0 = inputs[i].values;
      for (int k = 0; k < directions; k++) {
        float[] plus = new float[x0.length];
        float[] minus = new float[x0.length];
        double expected = 0;
        for (int j = 0; j < x0.length; j++) {
          double step = random.nextBoolean() ? h : -h;
          plus[j] = (float) (x0[j] + step);
          minus[j] = (float) (x0[j] - step);
          expected += (double) analytic[j] * ((double) plus[j] - minus[j]);
        }
        double numeric = (loss(f, inputs, i, plus, r) - loss(f, inputs, i, minus, r)) / (2 * h);
        expected /= 2 * h;
        if (!(Math.abs(numeric - expected) <= TOLERANCE * (1 + Math.abs(expected)))) {
          fail("input " + i + " of " + Arrays.toString(inputs[i].shape) + ", direction " + k + ": analytic " + expected
              + ", numeric " + numeric);
        }
      }
    }
  }

  /** The inputs as Vars, their gradients of sum(f(inputs) * r) set, and the random r. */
  private record Analytic(Var[] vars, float[] r) {}

  private Analytic analytic(Fn f, Input[] inputs) {
    Tape tape = new Tape(ops, arena);
    Var[] vars = new Var[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      Tensor v = Tensor.of(arena, inputs[i].values, inputs[i].shape);
      vars[i] = inputs[i].differentiable ? Var.param(v) : Var.constant(v);
    }
    Var out = f.apply(tape, vars);
    float[] r = uniform((int) out.value().numel(), -1, 1);
    tape.backward(out, Tensor.of(arena, r, out.shape()));
    return new Analytic(vars, r);
  }

  /** sum(f(inputs with input i set to x) * r) in double, without recording gradients. */
  private double loss(Fn f, Input[] inputs, int i, float[] x, float[] r) {
    Tape tape = new Tape(ops, arena);
    Var[] vars = new Var[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      vars[k] = Var.constant(Tensor.of(arena, k == i ? x : inputs[k].values, inputs[k].shape));
    }
    float[] y = f.apply(tape, vars).value().toArray();
    double l = 0;
    for (int k = 0; k < y.length; k++) {
      assertTrue(Float.isFinite(y[k]), "non-finite output");
      l += (double) y[k] * r[k];
    }
    return l;
  }
}
