package dev.worldfx.inference.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Parity of a fast kernel against the reference, with a tolerance that is a proven bound rather
 * than a guess. Any order of summing n float32 products (with or without FMA) is within
 * gamma_n * sum|terms|, gamma_n = n*u/(1 - n*u), u = 2^-24, of the exact sum (Higham, Accuracy and
 * Stability of Numerical Algorithms, section 3.1); alpha, beta and bias add at most 3 more roundings,
 * and the double-accumulated reference is within u of exact. So per element
 * |fast - ref| <= (n + 4) * u * sum|terms| * (1 + 1%), where sum|terms| is the reference evaluated on
 * the absolute values of the inputs. The bound never fails by chance, and it is tight enough to catch
 * one missing or doubled term for the sizes tested (a term is about sum|terms| / n, bigger than the bound
 * while n^2 < 1 / u, i.e. n < 4096).
 */
final class GemmParity {
  private static final double U = 0x1p-24;

  private GemmParity() {}

  static void assertClose(Tensor ref, Tensor fast, Tensor magnitude, long terms, String what) {
    assertArrayEquals(ref.shape(), fast.shape(), what + ": shape");
    double factor = (terms + 4) * U * 1.01;
    for (long i = 0; i < ref.numel(); i++) {
      double r = ref.getFlat(i);
      double f = fast.getFlat(i);
      double tol = factor * magnitude.getFlat(i);
      if (!(Math.abs(r - f) <= tol)) {
        throw new AssertionError(what + ": element " + i + " is " + f + ", reference " + r + ", bound " + tol
            + " (sum|terms| = " + magnitude.getFlat(i) + ", n = " + terms + ")");
      }
    }
  }

  static Tensor random(Arena arena, Random rnd, int... shape) {
    Tensor t = Tensor.zeros(arena, shape);
    for (long i = 0; i < t.numel(); i++) {
      t.setFlat(i, rnd.nextFloat() * 2 - 1);
    }
    return t;
  }

  /** |t| element-wise, as a new contiguous tensor (views lose their strides: only values matter). */
  static Tensor abs(Arena arena, Tensor t) {
    return map(arena, t, Math::abs);
  }

  static Tensor map(Arena arena, Tensor t, UnaryOperator<Float> f) {
    if (t == null) {
      return null;
    }
    Tensor out = Tensor.zeros(arena, t.shape());
    for (long i = 0; i < t.numel(); i++) {
      out.setFlat(i, f.apply(t.getFlat(i)));
    }
    return out;
  }

  static void assertBitIdentical(Tensor a, Tensor b, String what) {
    assertArrayEquals(a.shape(), b.shape(), what);
    float[] av = a.toArray();
    float[] bv = b.toArray();
    for (int i = 0; i < av.length; i++) {
      if (Float.floatToRawIntBits(av[i]) != Float.floatToRawIntBits(bv[i])) {
        throw new AssertionError(what + ": element " + i + " differs: " + av[i] + " vs " + bv[i]);
      }
    }
  }
}
