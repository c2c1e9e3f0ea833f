package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.CpuPointwise.L;
import static dev.worldfx.inference.cpu.CpuPointwise.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * GELU, erf form, as passes over a chunk in float arrays (see PointwiseMath for why passes).
 * GELU(x) = x Phi(x) with Phi(-a) = erfc(a / sqrt 2) / 2 = exp(-a^2 / 2) t Q(t) / 2, a = |x|,
 * t = 1 / (1 + P a). Q is a degree-9 polynomial fitted to erfc(a / sqrt 2) exp(a^2 / 2) / t on
 * a in [0, 20] (iteratively reweighted least squares towards the minimax relative error, each
 * coefficient rounded to float and the rest refitted): max relative error 1.1e-8, 0.19 ulp.
 * Writing erfc as exp(-a^2/2) times a smooth factor keeps the relative accuracy in the
 * negative tail, where x + x erf(x / sqrt 2) would cancel. The accuracy against the reference
 * is stated and tested in PointwiseParityTest.
 */
final class PointwiseGelu {
  private static final float P = 0.24748737f;
  private static final float Q0 = 0.1974694f;
  private static final float Q1 = 0.19741185f;
  private static final float Q2 = 0.18567654f;
  private static final float Q3 = 0.16136743f;
  private static final float Q4 = 0.11714931f;
  private static final float Q5 = 0.13987729f;
  private static final float Q6 = -0.0901792f;
  private static final float Q7 = 0.22755884f;
  private static final float Q8 = -0.1782383f;
  private static final float Q9 = 0.041906852f;
  /** |x| is clamped here: GELU(-20) is -0 in float and GELU(20) is 20, and -inf * 0 becomes the limit -0. */
  private static final float CLAMP = 20f;

  private PointwiseGelu() {}

  /** x[0, n) := GELU(x); {@code gauss} and {@code tail} are scratch of the same length. */
  static void apply(float[] x, float[] gauss, float[] tail, int n) {
    prepare(x, gauss, tail, n);
    PointwiseMath.exp(gauss, 0, n);
    finish(x, gauss, tail, n);
  }

  /** gauss := -a^2 / 2 (to be exponentiated), tail := erfc(a / sqrt 2) / 2 without its exponential factor. */
  private static void prepare(float[] x, float[] gauss, float[] tail, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector a = FloatVector.fromArray(S, x, i, m).abs().min(CLAMP);
      // a^2 = hi + lo exactly: exp(-a^2/2) from the rounded square alone would be off by a^2 * 2^-24 relative
      FloatVector hi = a.mul(a);
      FloatVector lo = a.fma(a, hi.neg());
      FloatVector t = FloatVector.broadcast(S, 1f).div(a.fma(P, 1f));
      FloatVector q = t.fma(Q9, Q8)
          .fma(t, FloatVector.broadcast(S, Q7))
          .fma(t, FloatVector.broadcast(S, Q6))
          .fma(t, FloatVector.broadcast(S, Q5))
          .fma(t, FloatVector.broadcast(S, Q4))
          .fma(t, FloatVector.broadcast(S, Q3))
          .fma(t, FloatVector.broadcast(S, Q2))
          .fma(t, FloatVector.broadcast(S, Q1))
          .fma(t, FloatVector.broadcast(S, Q0));
      // exp(-lo/2) = 1 - lo/2 to float precision
      t.mul(q).mul(lo.fma(-0.25f, 0.5f)).intoArray(tail, i, m);
      hi.mul(-0.5f).intoArray(gauss, i, m);
    }
  }

  private static void finish(float[] x, float[] gauss, float[] tail, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector v = FloatVector.fromArray(S, x, i, m);
      FloatVector g = FloatVector.fromArray(S, gauss, i, m);
      FloatVector tl = FloatVector.fromArray(S, tail, i, m);
      // x < 0: the exponential last, so that a subnormal result is rounded once
      FloatVector negative = v.max(-CLAMP).mul(tl).mul(g);
      FloatVector positive = v.mul(FloatVector.broadcast(S, 1f).sub(tl.mul(g)));
      positive.blend(negative, v.compare(VectorOperators.LT, 0f)).intoArray(x, i, m);
    }
  }
}
