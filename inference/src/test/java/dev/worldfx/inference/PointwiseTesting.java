package dev.worldfx.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

/** Shared checks of the pointwise, reduction, norm and attention tests. */
final class PointwiseTesting {
  private PointwiseTesting() {}

  static Tensor t(Arena arena, float[] values, int... shape) {
    return Tensor.of(arena, values, shape);
  }

  /** Uniform values in [lo, hi). */
  static Tensor random(Arena arena, long seed, float lo, float hi, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return Tensor.of(arena, v, shape);
  }

  /** Each expected value within {@code tol} absolutely; NaN must match NaN. */
  static void assertValues(float[] expected, Tensor actual, double tol) {
    float[] a = actual.toArray();
    assertEquals(expected.length, a.length, "element count");
    for (int i = 0; i < a.length; i++) {
      if (Float.isNaN(expected[i]) ? !Float.isNaN(a[i]) : a[i] != expected[i] && !(Math.abs(a[i] - expected[i]) <= tol)) {
        fail("element " + i + ": expected " + expected[i] + ", got " + a[i] + " (tolerance " + tol + ") in "
            + Arrays.toString(a));
      }
    }
  }

  static void assertShape(Tensor t, int... shape) {
    assertArrayEquals(shape, t.shape(), () -> "shape of " + t);
  }

  /** Distance in representable floats (units in the last place); 0 for two NaNs, infinite for NaN vs number. */
  static long ulps(float a, float b) {
    if (Float.isNaN(a) || Float.isNaN(b)) {
      return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
    }
    return Math.abs(ordered(a) - ordered(b));
  }

  /** Floats mapped to integers in the same order, -0 and +0 adjacent. */
  private static long ordered(float f) {
    int bits = Float.floatToRawIntBits(f);
    return bits < 0 ? -(long) (bits & 0x7FFFFFFF) - 1 : bits;
  }

  /** Bit-identical, NaN payloads included. */
  static void assertBitIdentical(Tensor expected, Tensor actual, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    float[] e = expected.toArray();
    float[] a = actual.toArray();
    for (int i = 0; i < e.length; i++) {
      if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
        fail(what + ": element " + i + " differs: " + e[i] + " vs " + a[i]);
      }
    }
  }

  /** Runs {@code op} on a fresh ForkJoinPool of {@code threads} workers, so the kernels split work for that count. */
  static <T> T withThreads(int threads, Supplier<T> op) {
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      return pool.submit(op::get).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(e);
    } finally {
      pool.shutdown();
    }
  }
}
