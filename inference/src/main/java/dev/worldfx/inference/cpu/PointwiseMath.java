package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.CpuPointwise.L;
import static dev.worldfx.inference.cpu.CpuPointwise.S;

import dev.worldfx.inference.Ops;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The exp-based activations as passes over a chunk held in float arrays: prepare the exp
 * argument, exp in place, finish. A pass is one loop of vector code that calls nothing, so
 * C2 keeps every vector in registers (a vector handed to a method it does not inline is
 * boxed on the heap, ten times the cost of the arithmetic) and no vector is live across a
 * back edge where an on-stack replacement could enter.
 *
 * <p>exp is built from IEEE add, multiply, fma and divide only, so every lane gives the same
 * bits in the interpreter, in compiled code and on any CPU. (The Vector API's EXP and TANH
 * call SVML when compiled and Math per lane otherwise, which may round differently: same
 * input, different bits from one run to the next.) Accuracy against the double-based
 * reference is stated and tested in PointwiseParityTest.
 */
final class PointwiseMath {
  /** exp(x) is +inf above 88.73 and 0 below -103.98; clamping keeps 2^n in range and turns -inf into 0. */
  private static final float EXP_HI = 89f;
  private static final float EXP_LO = -104f;
  private static final float LOG2E = (float) (1 / Math.log(2));
  private static final float LN2_HI = (float) Math.log(2);
  private static final float LN2_LO = (float) (Math.log(2) - LN2_HI);
  /** 1.5 * 2^23: adding it rounds to an integer, which then sits in the low mantissa bits. */
  private static final float ROUNDER = 12582912f;
  private static final int ROUNDER_BITS = Float.floatToIntBits(ROUNDER);
  /** Below it tanh is a + a^3 R(a^2); above, (1 - e) / (1 + e), e = exp(-2a), cancels by at most a factor 1.8. */
  private static final float TANH_SMALL = 0.625f;
  /**
   * R fitted to (tanh a - a) / a^3 on [0, 0.625] for the minimax relative error of tanh
   * (reweighted least squares, coefficients rounded to float one by one): 4.5e-9, 0.08 ulp.
   */
  private static final float R0 = -0.3333328f;
  private static final float R1 = 0.13331407f;
  private static final float R2 = -0.053736787f;
  private static final float R3 = 0.02062953f;
  private static final float R4 = -0.005694347f;
  /** The logistic forms clamp x here: their results below are -0 or 0 anyway, and -inf gives the limit, not NaN. */
  private static final float LOGISTIC_CLAMP = -200f;
  private static final float GELU_TANH_CUBIC = 0.044715f;
  private static final float TWO_SQRT_2_OVER_PI = (float) (2 * Math.sqrt(2 / Math.PI));

  private PointwiseMath() {}

  /** x[0, n) := op(x) for op in EXP, TANH, SIGMOID, SILU, GELU_TANH; {@code t} is scratch of the same length. */
  static void activation(Ops.Unary op, float[] x, float[] t, int n) {
    prepare(op, x, t, n);
    exp(t, 0, n);
    finish(op, x, t, n);
  }

  /** t := the argument of exp that op needs, never positive, so that exp cannot overflow. */
  private static void prepare(Ops.Unary op, float[] x, float[] t, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector v = FloatVector.fromArray(S, x, i, m);
      FloatVector a = switch (op) {
        case EXP -> v;
        case TANH -> v.abs().mul(-2f);
        case SIGMOID -> v.abs().neg();
        case SILU -> v.max(LOGISTIC_CLAMP).abs().neg();
        // 0.5 x (1 + tanh u) = x sigmoid(2u), 2u = 2 sqrt(2/pi) (x + 0.044715 x^3), of the sign of x
        case GELU_TANH -> {
          FloatVector xc = v.max(LOGISTIC_CLAMP);
          yield xc.mul(xc).fma(GELU_TANH_CUBIC, 1f).mul(xc).mul(TWO_SQRT_2_OVER_PI).abs().neg();
        }
        default -> throw new IllegalArgumentException(op + " is not exp-based");
      };
      a.intoArray(t, i, m);
    }
  }

  /**
   * x := op(x) from x and t = exp(the prepared argument). The logistic forms use sigmoid(s) =
   * 1 / (1 + e) for s >= 0 and e / (1 + e) below, e = exp(-|s|): exp(-s) itself would overflow
   * for s < -88.7, where sigmoid(s) is still a normal float.
   */
  private static void finish(Ops.Unary op, float[] x, float[] t, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector v = FloatVector.fromArray(S, x, i, m);
      FloatVector e = FloatVector.fromArray(S, t, i, m);
      FloatVector one = FloatVector.broadcast(S, 1f);
      FloatVector numerator = one.blend(e, v.compare(VectorOperators.LT, 0f));
      FloatVector r = switch (op) {
        case EXP -> e;
        // odd: computed for a = |x| as a + a^3 R(a^2) or (1 - e) / (1 + e), e = exp(-2a), then the sign of x
        case TANH -> {
          FloatVector a = v.abs();
          FloatVector a2 = a.mul(a);
          FloatVector poly = a2.fma(R4, R3)
              .fma(a2, FloatVector.broadcast(S, R2))
              .fma(a2, FloatVector.broadcast(S, R1))
              .fma(a2, FloatVector.broadcast(S, R0));
          FloatVector small = a.mul(a2).fma(poly, a);
          FloatVector large = one.sub(e).div(one.add(e));
          FloatVector mag = large.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
          yield mag.reinterpretAsInts().or(v.reinterpretAsInts().and(Integer.MIN_VALUE)).reinterpretAsFloats();
        }
        case SIGMOID -> numerator.div(one.add(e));
        case SILU, GELU_TANH -> v.max(LOGISTIC_CLAMP).mul(numerator).div(one.add(e));
        default -> throw new IllegalArgumentException(op + " is not exp-based");
      };
      r.intoArray(x, i, m);
    }
  }

  /**
   * v[from, from + n) := exp(v) = 2^k e^r, k = round(v log2 e), r = v - k ln2 with ln2 split in two (Cody
   * and Waite), |r| <= ln2 / 2; e^r by its Taylor series to degree 7 (truncation 5e-9 relative).
   * 2^k is applied as two normal powers of two so that a subnormal result is rounded once.
   */
  static void exp(float[] v, int from, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector x = FloatVector.fromArray(S, v, from + i, m).max(EXP_LO).min(EXP_HI);
      FloatVector big = x.fma(LOG2E, ROUNDER);
      FloatVector k = big.sub(ROUNDER);
      IntVector e = big.reinterpretAsInts().sub(ROUNDER_BITS);
      FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), x);
      r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
      FloatVector p = r.fma(1f / 5040, 1f / 720)
          .fma(r, FloatVector.broadcast(S, 1f / 120))
          .fma(r, FloatVector.broadcast(S, 1f / 24))
          .fma(r, FloatVector.broadcast(S, 1f / 6))
          .fma(r, FloatVector.broadcast(S, 0.5f))
          .fma(r, FloatVector.broadcast(S, 1f))
          .fma(r, FloatVector.broadcast(S, 1f));
      // e in [-150, 128]: e1 = e >> 1 and e - e1 both lie in [-75, 64], normal exponents
      IntVector e1 = e.lanewise(VectorOperators.ASHR, 1);
      FloatVector s1 = e1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
      FloatVector s2 = e.sub(e1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
      p.mul(s1).mul(s2).intoArray(v, from + i, m);
    }
  }
}
