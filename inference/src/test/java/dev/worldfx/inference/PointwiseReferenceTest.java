package dev.worldfx.inference;

import static dev.worldfx.inference.PointwiseTesting.assertShape;
import static dev.worldfx.inference.PointwiseTesting.assertValues;
import static dev.worldfx.inference.PointwiseTesting.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Ops.Binary;
import dev.worldfx.inference.Ops.Unary;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reference unary and binary ops against values worked out by hand or with mpmath. */
class PointwiseReferenceTest {
  private static final float NAN = Float.NaN;
  private static final float INF = Float.POSITIVE_INFINITY;

  private final Arena arena = Arena.ofConfined();
  private final Ops ref = new ReferenceOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  private float unary(Unary op, float x) {
    return ref.unary(op, t(arena, new float[] {x}, 1), 0.1f).getFlat(0);
  }

  /** Within one float step of a 20-digit value: the reference rounds once from double. */
  private void assertUnary(Unary op, float x, double expected) {
    float got = unary(op, x);
    float e = (float) expected;
    assertTrue(PointwiseTesting.ulps(got, e) <= 1, op + "(" + x + ") = " + got + ", expected " + expected);
  }

  @Test
  void reluAndLeakyRelu() {
    assertValues(new float[] {0, 0, 0, 3, NAN},
        ref.unary(Unary.RELU, t(arena, new float[] {-2, -0f, 0, 3, NAN}, 5), 0), 0);
    assertEquals(0, Float.floatToRawIntBits(unary(Unary.RELU, -0f)), "relu(-0) is +0 as max(x, 0)");
    assertValues(new float[] {-0.2f, 3, NAN},
        ref.unary(Unary.LEAKY_RELU, t(arena, new float[] {-2, 3, NAN}, 3), 0.1f), 0);
  }

  /** x Phi(x) from mpmath's ncdf, down to the tail where 1 + erf would cancel to 0 in double. */
  @Test
  void geluErfForm() {
    assertUnary(Unary.GELU, -10, -7.619853024160526066e-23);
    assertUnary(Unary.GELU, -5, -1.4332578593959695584e-6);
    assertUnary(Unary.GELU, -3, -0.00404969409489028358);
    assertUnary(Unary.GELU, -1, -0.15865525393145705141);
    assertUnary(Unary.GELU, -0.5f, -0.15426876936299344818);
    assertUnary(Unary.GELU, 0.5f, 0.34573123063700655182);
    assertUnary(Unary.GELU, 1, 0.84134474606854294859);
    assertUnary(Unary.GELU, 3, 2.9959503059051097164);
    assertEquals(0f, unary(Unary.GELU, 0));
  }

  /** x / (1 + exp(-2 sqrt(2/pi) (x + 0.044715 x^3))), mpmath. */
  @Test
  void geluTanhForm() {
    assertUnary(Unary.GELU_TANH, -10, -1.2040923482098059937e-37);
    assertUnary(Unary.GELU_TANH, -5, -2.2917961966295060456e-7);
    assertUnary(Unary.GELU_TANH, -3, -0.0036373920817730188378);
    assertUnary(Unary.GELU_TANH, -1, -0.15880800939172329522);
    assertUnary(Unary.GELU_TANH, 0.5f, 0.34571400982514392204);
    assertUnary(Unary.GELU_TANH, 3, 2.9963626079182269812);
  }

  @Test
  void logisticFamilyAndElementary() {
    assertUnary(Unary.SIGMOID, 0, 0.5);
    assertUnary(Unary.SIGMOID, 2, 0.8807970779778823);
    assertUnary(Unary.SILU, 1, 0.7310585786300049);
    assertUnary(Unary.SILU, -1, -0.2689414213699951);
    assertUnary(Unary.TANH, 0.5f, 0.46211715726000974);
    assertUnary(Unary.EXP, 1, Math.E);
    assertUnary(Unary.LOG, 10, Math.log(10));
    assertUnary(Unary.SQRT, 2, Math.sqrt(2));
    assertEquals(-3f, unary(Unary.NEG, 3));
    assertEquals(3f, unary(Unary.ABS, -3));
    assertEquals(-0.25f, unary(Unary.IDENTITY, -0.25f));
  }

  /** Limits at the infinities, IEEE results out of the domain, NaN in NaN out. */
  @Test
  void specialValues() {
    for (Unary op : new Unary[] {Unary.GELU, Unary.GELU_TANH, Unary.SILU}) {
      assertEquals(-0f, unary(op, -INF), op + "(-inf)");
      assertEquals(INF, unary(op, INF), op + "(+inf)");
    }
    assertEquals(0f, unary(Unary.SIGMOID, -INF));
    assertEquals(1f, unary(Unary.SIGMOID, INF));
    assertEquals(-1f, unary(Unary.TANH, -INF));
    assertEquals(Float.NEGATIVE_INFINITY, unary(Unary.LOG, 0));
    assertTrue(Float.isNaN(unary(Unary.LOG, -1)));
    assertTrue(Float.isNaN(unary(Unary.SQRT, -1)));
    assertEquals(0x80000000, Float.floatToRawIntBits(unary(Unary.NEG, 0)));
    for (Unary op : Unary.values()) {
      assertTrue(Float.isNaN(unary(op, NAN)), op + "(NaN)");
    }
  }

  @Test
  void unaryReadsViewsInLogicalOrder() {
    Tensor x = t(arena, new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1); // [3,2]
    Tensor y = ref.unary(Unary.NEG, x, 0);
    assertShape(y, 3, 2);
    assertValues(new float[] {-1, -4, -2, -5, -3, -6}, y, 0);
  }

  @Test
  void binarySameShape() {
    Tensor a = t(arena, new float[] {1, 2, 3, 4}, 2, 2);
    Tensor b = t(arena, new float[] {4, 3, 2, 1}, 2, 2);
    assertValues(new float[] {5, 5, 5, 5}, ref.binary(Binary.ADD, a, b), 0);
    assertValues(new float[] {-3, -1, 1, 3}, ref.binary(Binary.SUB, a, b), 0);
    assertValues(new float[] {4, 6, 6, 4}, ref.binary(Binary.MUL, a, b), 0);
    assertValues(new float[] {0.25f, 2f / 3, 1.5f, 4}, ref.binary(Binary.DIV, a, b), 0);
    assertValues(new float[] {4, 3, 3, 4}, ref.binary(Binary.MAX, a, b), 0);
    assertValues(new float[] {1, 2, 2, 1}, ref.binary(Binary.MIN, a, b), 0);
    assertValues(new float[] {1, 8, 9, 4}, ref.binary(Binary.POW, a, b), 0);
  }

  @Test
  void broadcastRowColumnAndOuter() {
    Tensor m = t(arena, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor row = t(arena, new float[] {10, 20, 30}, 3);
    Tensor col = t(arena, new float[] {100, 200}, 2, 1);
    Tensor y = ref.binary(Binary.ADD, m, row);
    assertShape(y, 2, 3);
    assertValues(new float[] {11, 22, 33, 14, 25, 36}, y, 0);
    assertValues(new float[] {-99, -98, -97, -196, -195, -194}, ref.binary(Binary.SUB, m, col), 0);
    Tensor outer = ref.binary(Binary.MUL, col, t(arena, new float[] {1, 2, 3}, 1, 3));
    assertShape(outer, 2, 3);
    assertValues(new float[] {100, 200, 300, 200, 400, 600}, outer, 0);
  }

  @Test
  void broadcastRankPromotionAndScalars() {
    Tensor scalar = t(arena, new float[] {10}); // rank 0
    Tensor v = t(arena, new float[] {1, 2}, 1, 2);
    Tensor y = ref.binary(Binary.SUB, scalar, v);
    assertShape(y, 1, 2);
    assertValues(new float[] {9, 8}, y, 0);
    assertValues(new float[] {-9, -8}, ref.binary(Binary.SUB, v, scalar), 0);
    // [4,1,3] with [2,1] -> [4,2,3]: a[i,0,k] + b[j,0]
    float[] av = new float[12];
    for (int i = 0; i < 12; i++) {
      av[i] = i;
    }
    Tensor z = ref.binary(Binary.ADD, t(arena, av, 4, 1, 3), t(arena, new float[] {0, 100}, 2, 1));
    assertShape(z, 4, 2, 3);
    float[] expected = new float[24];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 2; j++) {
        for (int k = 0; k < 3; k++) {
          expected[(i * 2 + j) * 3 + k] = i * 3 + k + 100 * j;
        }
      }
    }
    assertValues(expected, z, 0);
    Tensor s = ref.binary(Binary.MUL, scalar, scalar);
    assertShape(s);
    assertValues(new float[] {100}, s, 0);
  }

  @Test
  void broadcastEmptyAndIncompatible() {
    Tensor empty = ref.binary(Binary.ADD, Tensor.zeros(arena, 2, 0), t(arena, new float[] {1}, 1));
    assertShape(empty, 2, 0);
    assertShape(ref.binary(Binary.ADD, Tensor.zeros(arena, 0, 1), Tensor.zeros(arena, 1, 3)), 0, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ref.binary(Binary.ADD, Tensor.zeros(arena, 2, 3), Tensor.zeros(arena, 2)));
    assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2]"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ref.binary(Binary.ADD, Tensor.zeros(arena, 0), Tensor.zeros(arena, 2)));
  }

  @Test
  void ieeeSpecialCases() {
    Tensor a = t(arena, new float[] {1, 0, -1, NAN, -0f, 0}, 6);
    Tensor b = t(arena, new float[] {0, 0, 0, 1, 0, -0f}, 6);
    assertValues(new float[] {INF, NAN, -INF, NAN, NAN, NAN}, ref.binary(Binary.DIV, a, b), 0);
    float[] max = ref.binary(Binary.MAX, a, b).toArray();
    assertTrue(Float.isNaN(max[3]), "max propagates NaN");
    assertEquals(0, Float.floatToRawIntBits(max[4]), "max(-0, 0) = +0");
    float[] min = ref.binary(Binary.MIN, a, b).toArray();
    assertEquals(0x80000000, Float.floatToRawIntBits(min[5]), "min(0, -0) = -0");
    // Math.pow: odd integer powers of negatives, NaN for fractional ones, 0^0 = 1, x^-1 = 1/x
    assertValues(new float[] {-8, NAN, 1, 0.5f, INF},
        ref.binary(Binary.POW, t(arena, new float[] {-2, -2, 0, 2, 0}, 5), t(arena, new float[] {3, 0.5f, 0, -1, -1}, 5)), 0);
  }
}
