package dev.worldfx.inference;

import static dev.worldfx.inference.PointwiseTesting.assertBitIdentical;
import static dev.worldfx.inference.PointwiseTesting.random;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.worldfx.inference.Ops.Binary;
import dev.worldfx.inference.Ops.Unary;
import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast unary and binary kernels against the scalar reference.
 *
 * <p>Unary tolerances, per op: the fast result must lie within {@code outUlps} units in the last
 * place of the reference over the inputs within {@code inUlps} of x (a mixed forward-backward
 * bound; zero inUlps is a plain ulp bound), plus |x| 2^-149 where exp's result is subnormal and
 * then multiplied by x. The budgets below add relative errors in units of u = 2^-24 (a rounding
 * is at most u; a relative error of k u is less than k ulp); the fast exp is within 2u of
 * exp(x) (range reduction 0.4u, Taylor truncation 0.1u, Horner 1.5u) and the reference within u
 * of the exact value (one rounding from double). Measured maxima over a million inputs in
 * [-20, 20] and |x| in [1e-9, 80]: EXP 1, TANH 1, SIGMOID 2, SILU 3, GELU 7 ulp (GELU_TANH up to
 * 186 ulp in its ill-conditioned tail, inside the mixed bound).
 */
class PointwiseParityTest {
  /** {op, outUlps, inUlps, subnormal term (1 = |x| 2^-149)} with the error budget in u. */
  private static final Object[][] TOLERANCES = {
    // exact: the same IEEE operation (max, multiply, sqrt, sign bit) or the same Math.log call
    {Unary.RELU, 0, 0, 0}, {Unary.LEAKY_RELU, 0, 0, 0}, {Unary.SQRT, 0, 0, 0}, {Unary.NEG, 0, 0, 0},
    {Unary.ABS, 0, 0, 0}, {Unary.IDENTITY, 0, 0, 0}, {Unary.LOG, 0, 0, 0},
    // fast exp 2u, reference u
    {Unary.EXP, 3, 0, 0},
    // a + a^3 R(a^2) below 0.625: fit 0.1u, R's Horner 2u and a^3's 2 roundings damped by a^2/(3 - a^2) < 0.45,
    // the fma u; above: (1 - e)/(1 + e), e = exp(-2a) <= 0.29: e's 2u damped below 0.8u and 0.45u, 3 roundings;
    // reference u
    {Unary.TANH, 6, 0, 0},
    // e/(1 + e) or 1/(1 + e), e = exp(-|x|): e's 2u, add and divide u each; reference u
    {Unary.SIGMOID, 5, 0, 0},
    // x e/(1 + e) or x/(1 + e): as SIGMOID plus the product by x; e is quantised to 2^-149 below exp(-87.3)
    {Unary.SILU, 6, 0, 1},
    // 2u = 2 sqrt(2/pi) x (1 + 0.044715 x^2): 5 roundings, as moving x by 5 ulp (d ln u / d ln x >= 1); then SILU
    {Unary.GELU_TANH, 6, 5, 1},
    // t = 1/(1 + P a) 2u, times the sensitivity of t Q(t) to t, at most 3.22 (at a = 0): 6.4u; fit 0.2u,
    // Horner 2u, the tail's 2 products 2u, exp 2u, 2 more products or 1 - e u each; reference u
    {Unary.GELU, 16, 0, 0},
  };

  private final Arena arena = Arena.ofShared();
  private final Ops ref = new ReferenceOps(arena);
  private final Ops cpu = new CpuOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  /** Specials, dense sweeps, every threshold of the kernels with its neighbours, wide random magnitudes. */
  private static float[] unaryInputs() {
    List<Float> v = new ArrayList<>(List.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.NaN, 1f, -1f, 0.5f, -0.5f));
    for (int i = -30000; i <= 30000; i++) {
      v.add(i / 1000f);
    }
    for (float t : new float[] {0.625f, 1.25f, 9f, 13.2f, 20f, 87.3f, 88.72f, 92f, 103.97f, 104f, 200f}) {
      for (float s : new float[] {t, -t}) {
        float x = s;
        for (int k = 0; k < 40; k++) {
          x = Math.nextDown(x);
        }
        for (int k = 0; k < 80; k++) {
          v.add(x);
          x = Math.nextUp(x);
        }
      }
    }
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 40000; i++) {
      v.add((float) ((r.nextBoolean() ? 1 : -1) * Math.exp(r.nextDouble(-92, 88))));
      v.add((float) r.nextDouble(-110, 110));
    }
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  @Test
  void unaryWithinStatedUlps() {
    float[] x = unaryInputs();
    for (Object[] row : TOLERANCES) {
      assertWithinTolerance(row, x);
    }
  }

  private void assertWithinTolerance(Object[] row, float[] x) {
    Unary op = (Unary) row[0];
    int outUlps = (Integer) row[1];
    int inUlps = (Integer) row[2];
    boolean subnormal = (Integer) row[3] == 1;
    Tensor in = Tensor.of(arena, x, x.length);
    float[] fast = cpu.unary(op, in, 0.1f).toArray();
    float[] exact = ref.unary(op, in, 0.1f).toArray();
    float[] below = inUlps == 0 ? exact : ref.unary(op, Tensor.of(arena, step(x, -inUlps), x.length), 0.1f).toArray();
    float[] above = inUlps == 0 ? exact : ref.unary(op, Tensor.of(arena, step(x, inUlps), x.length), 0.1f).toArray();
    for (int i = 0; i < x.length; i++) {
      float f = fast[i];
      if (Float.isNaN(exact[i]) || Float.isInfinite(exact[i])) {
        if (Float.compare(f, exact[i]) != 0 && !(Float.isNaN(f) && Float.isNaN(exact[i]))) {
          fail(op + "(" + x[i] + "): fast " + f + ", reference " + exact[i]);
        }
        continue;
      }
      double lo = Math.min(exact[i], Math.min(below[i], above[i]));
      double hi = Math.max(exact[i], Math.max(below[i], above[i]));
      double slack = outUlps * Math.ulp((float) Math.max(Math.abs(lo), Math.abs(hi)))
          + (subnormal ? Math.abs(x[i]) * Float.MIN_VALUE : 0);
      if (!(f >= lo - slack && f <= hi + slack)) {
        fail(op + "(" + x[i] + "): fast " + f + ", reference " + exact[i] + " ("
            + PointwiseTesting.ulps(f, exact[i]) + " ulp; allowed " + outUlps + " ulp, " + inUlps + " ulp of x)");
      }
    }
  }

  /** Exact ops must agree bit for bit, signed zeros included. */
  @Test
  void exactUnaryOpsAreBitIdentical() {
    float[] x = unaryInputs();
    Tensor in = Tensor.of(arena, x, x.length);
    for (Unary op : new Unary[] {Unary.RELU, Unary.LEAKY_RELU, Unary.SQRT, Unary.NEG, Unary.ABS, Unary.IDENTITY, Unary.LOG}) {
      assertBitIdentical(ref.unary(op, in, 0.1f), cpu.unary(op, in, 0.1f), op.name());
    }
  }

  private static float[] step(float[] x, int ulps) {
    float[] out = x.clone();
    for (int i = 0; i < out.length; i++) {
      for (int k = 0; k < Math.abs(ulps); k++) {
        out[i] = ulps > 0 ? Math.nextUp(out[i]) : Math.nextDown(out[i]);
      }
    }
    return out;
  }

  /** Sizes around the vector length and the kernel chunk (1024); views give what their contiguous copies give. */
  @Test
  void unaryOnViewsAndOddSizes() {
    for (int n : new int[] {0, 1, 15, 16, 17, 1023, 1024, 1025, 5000}) {
      float[] x = random(arena, n, -12, 12, n).toArray();
      for (Object[] row : TOLERANCES) {
        assertWithinTolerance(row, x);
      }
    }
    Tensor m = random(arena, 3, -4, 4, 7, 9, 5);
    Tensor[] views = {m.transpose(0, 2), m.narrow(1, 2, 5), m.narrow(0, 3, 2), m.to(arena, DType.F16),
        m.to(arena, DType.BF16).transpose(1, 2)};
    for (Tensor v : views) {
      for (Unary op : Unary.values()) {
        assertBitIdentical(cpu.unary(op, v.contiguous(arena), 0.3f), cpu.unary(op, v, 0.3f), op + " on " + v);
        PointwiseTesting.assertShape(ref.unary(op, v, 0.3f), v.shape());
      }
    }
  }

  /** {a shape, b shape}: same shape, scalars, rows, columns, channels, both sides broadcasting, rank promotion. */
  private static final int[][][] BINARY_SHAPES = {
    {{37}, {37}}, {{5000}, {5000}}, {{3, 1025}, {3, 1025}}, {{}, {}}, {{}, {17}}, {{33}, {}}, {{1}, {2000}},
    {{4, 33}, {33}}, {{4, 33}, {4, 1}}, {{4, 1}, {1, 33}}, {{2, 6, 5, 7}, {1, 6, 1, 1}}, {{2, 6, 5, 7}, {6, 1, 1}},
    {{6, 1, 1}, {2, 6, 5, 7}}, {{2, 3, 1, 40}, {3, 1, 1}}, {{4, 1, 3}, {2, 1}}, {{1, 3, 1}, {2, 1, 5}},
    {{2, 1, 1025}, {1, 3, 1}}, {{1025, 1}, {1, 3}}, {{2, 0, 3}, {1, 3}}, {{2, 0}, {1}}, {{3, 4, 5}, {1, 4, 1}},
  };

  /** Every binary op is a single IEEE operation (or the same Math.pow) in both, so results are bit-identical. */
  @Test
  void binaryMatchesReferenceBitForBit() {
    SplittableRandom seeds = new SplittableRandom(5);
    for (int[][] shapes : BINARY_SHAPES) {
      Tensor a = random(arena, seeds.nextLong(), -3, 3, shapes[0]);
      Tensor b = random(arena, seeds.nextLong(), -3, 3, shapes[1]);
      for (Binary op : Binary.values()) {
        String what = op + " " + a + " with " + b;
        assertBitIdentical(ref.binary(op, a, b), cpu.binary(op, a, b), what);
      }
    }
  }

  @Test
  void binaryOnViewsAndSpecialValues() {
    Tensor m = random(arena, 9, -2, 2, 6, 5, 4);
    Tensor t = m.transpose(0, 2); // [4,5,6]
    Tensor n = m.narrow(2, 1, 1); // [6,5,1]
    for (Binary op : Binary.values()) {
      assertBitIdentical(ref.binary(op, t, n.transpose(0, 2)), cpu.binary(op, t, n.transpose(0, 2)), op + " views");
      assertBitIdentical(ref.binary(op, m, n), cpu.binary(op, m, n), op + " narrowed");
    }
    float[] s = {0, -0f, 1, -1, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 2.5f,
        -3};
    Tensor a = Tensor.of(arena, s, s.length, 1);
    Tensor b = Tensor.of(arena, s, 1, s.length);
    for (Binary op : Binary.values()) {
      Tensor e = ref.binary(op, a, b);
      Tensor f = cpu.binary(op, a, b);
      float[] ev = e.toArray();
      float[] fv = f.toArray();
      for (int i = 0; i < ev.length; i++) {
        boolean same = Float.floatToRawIntBits(ev[i]) == Float.floatToRawIntBits(fv[i])
            || Float.isNaN(ev[i]) && Float.isNaN(fv[i]);
        assertTrue(same, op + "(" + s[i / s.length] + ", " + s[i % s.length] + "): " + ev[i] + " vs " + fv[i]);
      }
    }
  }

  @Test
  void binaryRejectsShapesThatDoNotBroadcast() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> cpu.binary(Binary.ADD, Tensor.zeros(arena, 2, 3), Tensor.zeros(arena, 4)));
    assertTrue(e.getMessage().contains("do not broadcast"), e.getMessage());
  }
}
