package dev.worldfx.inference;

import static dev.worldfx.inference.PointwiseTesting.assertShape;
import static dev.worldfx.inference.PointwiseTesting.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Ops.Reduce;
import dev.worldfx.inference.Ops.Unary;
import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast reductions and softmax against the scalar reference (which sums in double).
 *
 * <p>Tolerances: MAX and MIN are exact. A float sum of n terms in any order is within
 * (n - 1) 2^-24 sum|x_i| of the exact sum (the classical bound for recursive summation,
 * Higham, Accuracy and Stability of Numerical Algorithms, eq. 4.4); MEAN divides that by n
 * and adds its own rounding. Sums of small integers are exact in any order, so there the
 * fast SUM must equal the reference exactly. The softmax bound is derived at
 * {@link #softmaxTolerance}.
 */
class ReduceSoftmaxParityTest {
  private static final double U = 0x1p-24;

  private final Arena arena = Arena.ofShared();
  private final Ops ref = new ReferenceOps(arena);
  private final Ops cpu = new CpuOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  /** {shape, axes}: long rows (several 1024 chunks), columns, inner runs shorter than a vector, size-1 and all axes. */
  private static final int[][][] REDUCTIONS = {
    {{5000}, {}}, {{3, 1025}, {1}}, {{3, 1025}, {0}}, {{3, 1025}, {}}, {{2, 3, 4, 5}, {0, 2}}, {{2, 3, 4, 5}, {1, 3}},
    {{2, 3, 4, 5}, {-1}}, {{2, 3, 4, 5}, {1, 2}}, {{2, 3, 4, 5}, {3, 2, 1, 0}}, {{7, 1, 9}, {1}}, {{4, 3000}, {1}},
    {{3000, 5}, {0}}, {{2, 300, 3}, {1}}, {{1, 2049}, {-1}}, {{2, 3, 300}, {1}}, {{17}, {0}}, {{}, {}},
    {{1, 1}, {0, 1}}, {{5, 1, 1}, {1, 2}},
  };

  @Test
  void maxAndMinAreExact() {
    SplittableRandom seeds = new SplittableRandom(1);
    for (int[][] c : REDUCTIONS) {
      Tensor x = random(arena, seeds.nextLong(), -100, 100, c[0]);
      for (Reduce op : new Reduce[] {Reduce.MAX, Reduce.MIN}) {
        for (boolean keep : new boolean[] {false, true}) {
          PointwiseTesting.assertBitIdentical(ref.reduce(op, x, c[1], keep), cpu.reduce(op, x, c[1], keep),
              op + " " + x + " axes " + Arrays.toString(c[1]) + " keep " + keep);
        }
      }
    }
  }

  /** Small integers: every partial sum is exact in float, whatever the order. */
  @Test
  void sumOfSmallIntegersIsExact() {
    SplittableRandom r = new SplittableRandom(2);
    for (int[][] c : REDUCTIONS) {
      float[] v = new float[Math.toIntExact(Tensor.numel(c[0]))];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextInt(-50, 51);
      }
      Tensor x = Tensor.of(arena, v, c[0]);
      PointwiseTesting.assertBitIdentical(ref.reduce(Reduce.SUM, x, c[1], true), cpu.reduce(Reduce.SUM, x, c[1], true),
          "SUM " + x + " axes " + Arrays.toString(c[1]));
    }
  }

  @Test
  void sumAndMeanWithinTheSummationBound() {
    SplittableRandom seeds = new SplittableRandom(3);
    for (int[][] c : REDUCTIONS) {
      Tensor x = random(arena, seeds.nextLong(), -1, 1, c[0]);
      x = ref.binary(Ops.Binary.MUL, x, random(arena, seeds.nextLong(), 1, 1000, c[0])); // mixed magnitudes
      long n = Tensor.numel(c[0]) / Math.max(1, ref.reduce(Reduce.SUM, x, c[1], true).numel());
      float[] absSum = ref.reduce(Reduce.SUM, ref.unary(Unary.ABS, x, 0), c[1], false).toArray();
      for (Reduce op : new Reduce[] {Reduce.SUM, Reduce.MEAN}) {
        float[] e = ref.reduce(op, x, c[1], false).toArray();
        Tensor got = cpu.reduce(op, x, c[1], false);
        assertShape(got, ref.reduce(op, x, c[1], false).shape());
        float[] a = got.toArray();
        for (int i = 0; i < e.length; i++) {
          double bound = (n - 1) * U * absSum[i] / (op == Reduce.MEAN ? n : 1) + Math.ulp(e[i]);
          assertTrue(Math.abs(a[i] - e[i]) <= bound, op + " " + x + " axes " + Arrays.toString(c[1]) + " output " + i
              + ": " + a[i] + " vs " + e[i] + " (bound " + bound + ")");
        }
      }
    }
  }

  @Test
  void reduceEdgeCases() {
    Tensor empty = Tensor.zeros(arena, 2, 0, 3);
    for (Reduce op : Reduce.values()) {
      for (int[] axes : new int[][] {{1}, {0}, {}}) {
        PointwiseTesting.assertBitIdentical(ref.reduce(op, empty, axes, true), cpu.reduce(op, empty, axes, true),
            op + " empty " + Arrays.toString(axes));
      }
    }
    Tensor special = Tensor.of(arena, new float[] {1, Float.NaN, 3, Float.POSITIVE_INFINITY, -1, 2}, 2, 3);
    for (Reduce op : Reduce.values()) {
      float[] e = ref.reduce(op, special, new int[] {1}, false).toArray();
      float[] a = cpu.reduce(op, special, new int[] {1}, false).toArray();
      assertTrue(Float.isNaN(a[0]), op + " propagates NaN");
      assertEquals(e[1], a[1], op + " with +inf");
    }
    Tensor m = random(arena, 4, -5, 5, 6, 7, 8);
    for (Reduce op : Reduce.values()) {
      Tensor view = m.transpose(0, 2).narrow(1, 1, 5); // [8,5,6]
      float[] e = ref.reduce(op, view, new int[] {0, 2}, false).toArray();
      float[] a = cpu.reduce(op, view, new int[] {0, 2}, false).toArray();
      for (int i = 0; i < e.length; i++) {
        assertEquals(e[i], a[i], 1e-5, op + " on a view");
      }
    }
    // a reduction over size-1 axes is a copy, not a view of the input
    Tensor one = random(arena, 5, -1, 1, 3, 1);
    Tensor copy = cpu.reduce(Reduce.SUM, one, new int[] {1}, false);
    one.set(42, 0, 0);
    assertTrue(copy.getFlat(0) != 42, "the output does not alias the input");
    assertThrows(IllegalArgumentException.class, () -> cpu.reduce(Reduce.SUM, one, new int[] {0, 0}, false));
    assertThrows(IllegalArgumentException.class, () -> cpu.reduce(Reduce.SUM, one, new int[] {2}, false));
  }

  /** {shape, axis}: long rows (chunks of 1024), columns (inner 33, inner 300 over two column blocks), n = 1. */
  private static final int[][][] SOFTMAXES = {
    {{1, 3000}, {1}}, {{5, 17}, {-1}}, {{4, 7, 33}, {1}}, {{2, 3, 300}, {1}}, {{6, 5}, {0}}, {{1}, {0}}, {{3, 1}, {1}},
    {{2, 1025}, {-1}}, {{3, 16}, {1}}, {{2, 2, 2, 2}, {2}},
  };

  @Test
  void softmaxWithinBound() {
    SplittableRandom seeds = new SplittableRandom(4);
    for (int[][] c : SOFTMAXES) {
      for (float offset : new float[] {0, 1e4f, -3e4f}) {
        Tensor x = ref.binary(Ops.Binary.ADD, random(arena, seeds.nextLong(), -30, 30, c[0]),
            Tensor.of(arena, new float[] {offset}));
        assertSoftmax(x, c[1][0]);
      }
    }
  }

  @Test
  void softmaxSpecialValues() {
    float ninf = Float.NEGATIVE_INFINITY;
    float[] v = {ninf, 2, 3, ninf, ninf, ninf, Float.NaN, 1, 2, Float.POSITIVE_INFINITY, 1, 2, -1e30f, 0, 1e30f, 0};
    Tensor x = Tensor.of(arena, v, 4, 4);
    assertSoftmax(x, 1);
    assertSoftmax(x, 0);
    assertShape(cpu.softmax(Tensor.zeros(arena, 0, 4), 1), 0, 4);
    assertShape(cpu.softmax(Tensor.zeros(arena, 4, 0), 1), 4, 0);
    assertThrows(IllegalArgumentException.class, () -> cpu.softmax(x, 2));
    assertSoftmax(random(arena, 8, -3, 3, 5, 6, 7).transpose(0, 2), 1);
  }

  private void assertSoftmax(Tensor x, int axis) {
    float[] e = ref.softmax(x, axis).toArray();
    Tensor got = cpu.softmax(x, axis);
    assertShape(got, x.shape());
    float[] a = got.toArray();
    float[] tol = softmaxTolerance(x.toArray(), x.shape(), axis);
    for (int i = 0; i < e.length; i++) {
      boolean ok = Float.isNaN(e[i]) ? Float.isNaN(a[i]) : Math.abs(a[i] - e[i]) <= tol[i];
      assertTrue(ok, "softmax " + x + " axis " + axis + " element " + i + ": " + a[i] + " vs " + e[i] + " (tol " + tol[i]
          + ")");
    }
  }

  /**
   * Per element, from the fast path's steps: x_j - m rounds (relative error u |x_j - m| after exp),
   * exp adds 2u, the sum of n positive terms adds n u relative (plus the weighted mean w of its terms'
   * own errors), the division u: tol_i = p_i u (|x_i - m| + w + n + 6), and 2^-148 where p_i is subnormal.
   */
  private static float[] softmaxTolerance(float[] x, int[] shape, int axis) {
    int d = axis < 0 ? axis + shape.length : axis;
    int n = shape[d];
    long inner = Tensor.numel(Arrays.copyOfRange(shape, d + 1, shape.length));
    long outer = Tensor.numel(Arrays.copyOfRange(shape, 0, d));
    float[] tol = new float[x.length];
    for (long o = 0; o < outer; o++) {
      for (long c = 0; c < inner; c++) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          m = Math.max(m, x[(int) ((o * n + j) * inner + c)]);
        }
        double sum = 0;
        double weighted = 0;
        for (int j = 0; j < n; j++) {
          double dj = x[(int) ((o * n + j) * inner + c)] - m;
          sum += Math.exp(dj);
          weighted += Math.exp(dj) == 0 ? 0 : Math.exp(dj) * Math.abs(dj); // exp(-inf) |-inf| counts 0
        }
        for (int j = 0; j < n; j++) {
          int i = (int) ((o * n + j) * inner + c);
          double dj = x[i] - m;
          double p = Math.exp(dj) / sum;
          tol[i] = (float) ((p == 0 ? 0 : p * U * (Math.abs(dj) + weighted / sum + n + 6)) + 2 * Float.MIN_VALUE);
        }
      }
    }
    return tol;
  }
}
