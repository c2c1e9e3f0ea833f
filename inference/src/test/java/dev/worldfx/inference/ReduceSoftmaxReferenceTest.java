package dev.worldfx.inference;

import static dev.worldfx.inference.PointwiseTesting.assertShape;
import static dev.worldfx.inference.PointwiseTesting.assertValues;
import static dev.worldfx.inference.PointwiseTesting.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Ops.Reduce;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reference reductions and softmax against hand-computed values. */
class ReduceSoftmaxReferenceTest {
  private static final float INF = Float.POSITIVE_INFINITY;

  private final Arena arena = Arena.ofConfined();
  private final Ops ref = new ReferenceOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  private Tensor m23() {
    return t(arena, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
  }

  @Test
  void reduceOneAxis() {
    Tensor sum0 = ref.reduce(Reduce.SUM, m23(), new int[] {0}, false);
    assertShape(sum0, 3);
    assertValues(new float[] {5, 7, 9}, sum0, 0);
    Tensor sum1 = ref.reduce(Reduce.SUM, m23(), new int[] {1}, true);
    assertShape(sum1, 2, 1);
    assertValues(new float[] {6, 15}, sum1, 0);
    assertValues(new float[] {6, 15}, ref.reduce(Reduce.SUM, m23(), new int[] {-1}, false), 0);
    assertValues(new float[] {2, 5}, ref.reduce(Reduce.MEAN, m23(), new int[] {1}, false), 0);
    assertValues(new float[] {4, 5, 6}, ref.reduce(Reduce.MAX, m23(), new int[] {0}, false), 0);
    assertValues(new float[] {1, 4}, ref.reduce(Reduce.MIN, m23(), new int[] {-1}, false), 0);
  }

  @Test
  void reduceAllAxes() {
    Tensor all = ref.reduce(Reduce.SUM, m23(), new int[0], false);
    assertShape(all);
    assertValues(new float[] {21}, all, 0);
    Tensor kept = ref.reduce(Reduce.MEAN, m23(), new int[] {1, 0}, true);
    assertShape(kept, 1, 1);
    assertValues(new float[] {3.5f}, kept, 0);
  }

  /** x[i,j,k] = 100 i + 10 j + k over [2,3,2]; axes {0, 2} leave j: sum = 2*2*10j + (0+100)*2 + (0+1)*2. */
  @Test
  void reduceNonAdjacentAxes() {
    float[] v = new float[12];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 2; k++) {
          v[(i * 3 + j) * 2 + k] = 100 * i + 10 * j + k;
        }
      }
    }
    Tensor x = t(arena, v, 2, 3, 2);
    Tensor s = ref.reduce(Reduce.SUM, x, new int[] {0, -1}, true);
    assertShape(s, 1, 3, 1);
    assertValues(new float[] {202, 242, 282}, s, 0);
    assertValues(new float[] {20, 21, 120, 121}, ref.reduce(Reduce.MAX, x, new int[] {1}, false), 0);
    Tensor strided = ref.reduce(Reduce.SUM, x.transpose(0, 2), new int[] {2}, false); // [2,3] over i
    assertValues(new float[] {100, 120, 140, 102, 122, 142}, strided, 0);
  }

  /** Accumulation in double: 1e8 + 1 - 1e8 is 1, where a float running sum gives 0. */
  @Test
  void sumDoesNotLoseSmallTerms() {
    assertValues(new float[] {1}, ref.reduce(Reduce.SUM, t(arena, new float[] {1e8f, 1, -1e8f}, 3), new int[0], false), 0);
  }

  @Test
  void reduceEmptySetsAndNaN() {
    Tensor e = Tensor.zeros(arena, 2, 0);
    assertValues(new float[] {0, 0}, ref.reduce(Reduce.SUM, e, new int[] {1}, false), 0);
    assertValues(new float[] {Float.NaN, Float.NaN}, ref.reduce(Reduce.MEAN, e, new int[] {1}, false), 0);
    assertValues(new float[] {-INF, -INF}, ref.reduce(Reduce.MAX, e, new int[] {1}, false), 0);
    assertValues(new float[] {INF, INF}, ref.reduce(Reduce.MIN, e, new int[] {1}, false), 0);
    assertShape(ref.reduce(Reduce.SUM, e, new int[] {0}, false), 0);
    Tensor n = t(arena, new float[] {1, Float.NaN, 3}, 3);
    for (Reduce op : Reduce.values()) {
      assertTrue(Float.isNaN(ref.reduce(op, n, new int[0], false).getFlat(0)), op + " propagates NaN");
    }
  }

  @Test
  void reduceRejectsBadAxes() {
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> ref.reduce(Reduce.SUM, m23(), new int[] {1, -1}, false));
    assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ref.reduce(Reduce.SUM, m23(), new int[] {2}, false));
    assertThrows(IllegalArgumentException.class, () -> ref.reduce(Reduce.SUM, m23(), new int[] {-3}, false));
  }

  /** softmax([1,2,3]) = e^i / (e + e^2 + e^3). */
  private static final float[] SOFTMAX_123 = {0.09003057317038046f, 0.24472847105479767f, 0.6652409557748219f};

  @Test
  void softmaxLastAxis() {
    assertValues(SOFTMAX_123, ref.softmax(t(arena, new float[] {1, 2, 3}, 1, 3), -1), 1e-7);
  }

  /** Max-subtraction: exp(1000) overflows, the answer is the same as for [1,2,3]. */
  @Test
  void softmaxIsStableOnLargeInputs() {
    assertValues(SOFTMAX_123, ref.softmax(t(arena, new float[] {1000, 1001, 1002}, 3), 0), 1e-7);
    assertValues(SOFTMAX_123, ref.softmax(t(arena, new float[] {-1e4f + 1, -1e4f + 2, -1e4f + 3}, 3), 0), 1e-7);
  }

  /** Columns of [[0,1],[0,3]]: [1/2,1/2] and [1/(1+e^2), e^2/(1+e^2)]. */
  @Test
  void softmaxOuterAxis() {
    Tensor y = ref.softmax(t(arena, new float[] {0, 1, 0, 3}, 2, 2), 0);
    assertValues(new float[] {0.5f, 0.11920292202211755f, 0.5f, 0.8807970779778823f}, y, 1e-7);
    Tensor z = ref.softmax(t(arena, new float[] {0, 1, 0, 3}, 2, 2).transpose(0, 1), 1);
    assertValues(new float[] {0.5f, 0.5f, 0.11920292202211755f, 0.8807970779778823f}, z, 1e-7);
  }

  @Test
  void softmaxInfinitiesAndNaN() {
    assertValues(new float[] {0, 0.5f, 0.5f}, ref.softmax(t(arena, new float[] {-INF, 2, 2}, 3), 0), 0);
    assertValues(new float[] {Float.NaN, Float.NaN}, ref.softmax(t(arena, new float[] {-INF, -INF}, 2), 0), 0);
    assertValues(new float[] {Float.NaN, Float.NaN}, ref.softmax(t(arena, new float[] {INF, 1}, 2), 0), 0);
    assertValues(new float[] {Float.NaN, Float.NaN}, ref.softmax(t(arena, new float[] {Float.NaN, 1}, 2), 0), 0);
    assertShape(ref.softmax(Tensor.zeros(arena, 3, 0), 1), 3, 0);
    assertThrows(IllegalArgumentException.class, () -> ref.softmax(Tensor.zeros(arena, 3), 1));
  }

  @Test
  void softmaxSlicesSumToOne() {
    Tensor y = ref.softmax(PointwiseTesting.random(arena, 7, -20, 20, 3, 17, 5), 1);
    Tensor sums = ref.reduce(Reduce.SUM, y, new int[] {1}, false);
    float[] s = sums.toArray();
    for (float v : s) {
      assertEquals(1, v, 1e-6);
    }
  }
}
