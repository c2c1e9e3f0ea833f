package dev.worldfx.inference.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.Random;

/** Test data and comparisons shared by the spatial parity tests. */
final class SpatialTesting {
  private SpatialTesting() {}

  /** Gaussian values shifted off zero, so exact comparisons never meet -0 against +0. */
  static Tensor random(Arena arena, Random rng, int... shape) {
    float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rng.nextGaussian() * 2 + 0.01);
    }
    return Tensor.of(arena, v, shape);
  }

  static float maxAbs(Tensor t) {
    float m = 0;
    for (float v : t.toArray()) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  static void assertSame(Tensor want, Tensor got, String what) {
    assertArrayEquals(want.shape(), got.shape(), what);
    assertArrayEquals(want.toArray(), got.toArray(), what); // bit patterns, NaN equal to NaN
  }

  /** Same shape and |got - want| <= tol elementwise; NaN only where the reference has NaN. */
  static void assertClose(Tensor want, Tensor got, double tol, String what) {
    assertArrayEquals(want.shape(), got.shape(), what);
    float[] w = want.toArray();
    float[] g = got.toArray();
    for (int i = 0; i < w.length; i++) {
      boolean ok = Float.isNaN(w[i]) ? Float.isNaN(g[i]) : Math.abs(w[i] - g[i]) <= tol;
      final int at = i;
      assertTrue(ok, () -> what + ": element " + at + " is " + g[at] + ", reference " + w[at] + ", tolerance " + tol);
    }
  }
}
