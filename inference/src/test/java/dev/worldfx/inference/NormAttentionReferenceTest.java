package dev.worldfx.inference;

import static dev.worldfx.inference.PointwiseTesting.assertShape;
import static dev.worldfx.inference.PointwiseTesting.assertValues;
import static dev.worldfx.inference.PointwiseTesting.t;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reference norms and attention against hand-computed values. */
class NormAttentionReferenceTest {
  private static final double TOL = 1e-6; // hand values are exact reals; the reference rounds once to float

  private final Arena arena = Arena.ofConfined();
  private final Ops ref = new ReferenceOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  private Tensor vec(float... v) {
    return t(arena, v, v.length);
  }

  /** Channel 0: (x-1)/sqrt(3+1)*2 + 0 = x - 1; channel 1: (x-3)/sqrt(0+1)*1 + 1 = x - 2. */
  @Test
  void batchNormPerChannel() {
    Tensor x = t(arena, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 1, 2); // [N=2,C=2,1,2]
    Tensor y = ref.batchNorm(x, vec(2, 1), vec(0, 1), vec(1, 3), vec(3, 0), 1);
    assertShape(y, 2, 2, 1, 2);
    assertValues(new float[] {0, 1, 1, 2, 4, 5, 5, 6}, y, TOL);
    assertValues(new float[] {0, 2}, ref.batchNorm(t(arena, new float[] {1, 4}, 1, 2), vec(2, 1), vec(0, 1),
        vec(1, 3), vec(3, 0), 1), TOL);
    assertThrows(IllegalArgumentException.class, () -> ref.batchNorm(x, vec(1), vec(0, 1), vec(1, 3), vec(3, 0), 1));
    assertThrows(IllegalArgumentException.class, () -> ref.batchNorm(vec(1, 2), vec(1), vec(0), vec(0), vec(1), 1));
  }

  /**
   * Groups of x [1,4,1,2]: {1,2,3,4} (mean 2.5, var 1.25) and {10,10,10,14} (mean 11, var 3); then per-channel
   * scale [1,2,1,-1] and bias [0,0,1,0].
   */
  @Test
  void groupNormPerGroupThenPerChannel() {
    Tensor x = t(arena, new float[] {1, 2, 3, 4, 10, 10, 10, 14}, 1, 4, 1, 2);
    double a = 1.5 / Math.sqrt(1.25);
    double b = 0.5 / Math.sqrt(1.25);
    double c = 1 / Math.sqrt(3);
    assertValues(new float[] {(float) -a, (float) -b, (float) b, (float) a, (float) -c, (float) -c, (float) -c,
        (float) (3 * c)}, ref.groupNorm(x, 2, null, null, 0), TOL);
    assertValues(new float[] {(float) -a, (float) -b, (float) (2 * b), (float) (2 * a), (float) (1 - c),
        (float) (1 - c), (float) c, (float) (-3 * c)}, ref.groupNorm(x, 2, vec(1, 2, 1, -1), vec(0, 0, 1, 0), 0), TOL);
    // groups = C is instance norm; the constant channel 2 with eps 0 is 0/0
    Tensor inst = ref.groupNorm(x, 4, null, null, 0);
    assertValues(new float[] {-1, 1, -1, 1, Float.NaN, Float.NaN, -1, 1}, inst, TOL);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ref.groupNorm(x, 3, null, null, 0));
    assertTrue(e.getMessage().contains("3 groups"), e.getMessage());
  }

  /** Rows [1,2,3] and [2,4,6]: mean 2 and 4, var 2/3 and 8/3, both normalise to [-s, 0, s], s = sqrt(3/2). */
  @Test
  void layerNormLastAxisWithBroadcastParameters() {
    double s = Math.sqrt(1.5);
    Tensor x = t(arena, new float[] {1, 2, 3, 2, 4, 6}, 2, 3);
    assertValues(new float[] {(float) -s, 0, (float) s, (float) -s, 0, (float) s}, ref.layerNorm(x, -1, null, null, 0), TOL);
    Tensor y = ref.layerNorm(x, 1, vec(1, 2, 3), t(arena, new float[] {0, 1, 0}, 1, 3), 0);
    assertValues(new float[] {(float) -s, 1, (float) (3 * s), (float) -s, 1, (float) (3 * s)}, y, TOL);
    Tensor scalarScale = ref.layerNorm(x, -1, vec(2), null, 0);
    assertValues(new float[] {(float) (-2 * s), 0, (float) (2 * s), (float) (-2 * s), 0, (float) (2 * s)}, scalarScale, TOL);
    assertThrows(IllegalArgumentException.class, () -> ref.layerNorm(x, -1, t(arena, new float[6], 2, 3), null, 0));
    assertThrows(IllegalArgumentException.class, () -> ref.layerNorm(x, 2, null, null, 0));
  }

  /** axis 0 of [2,2] normalises all four values: [1,2,3,4] -> (x - 2.5) / sqrt(1.25 + eps). */
  @Test
  void layerNormOverSeveralDims() {
    Tensor y = ref.layerNorm(t(arena, new float[] {1, 2, 3, 4}, 2, 2), 0, null, null, 0.75f);
    assertValues(new float[] {(float) (-1.5 / Math.sqrt(2)), (float) (-0.5 / Math.sqrt(2)), (float) (0.5 / Math.sqrt(2)),
        (float) (1.5 / Math.sqrt(2))}, y, TOL);
  }

  /** A large mean does not destroy the variance (two-pass): 1e6 + [0,1,2] normalises like [0,1,2]. */
  @Test
  void normsAreStableForLargeMeans() {
    double s = Math.sqrt(1.5);
    Tensor x = t(arena, new float[] {1e6f, 1e6f + 1, 1e6f + 2}, 1, 3);
    assertValues(new float[] {(float) -s, 0, (float) s}, ref.layerNorm(x, -1, null, null, 0), TOL);
    assertValues(new float[] {(float) -s, 0, (float) s}, ref.groupNorm(x.reshape(1, 1, 3), 1, null, null, 0), TOL);
  }

  /**
   * q [1,2], k rows [1,0] and [0,1], v rows [1,2] and [3,4], default scale 1/sqrt 2: scores [1/sqrt2, 0],
   * p1 = 1/(1 + e^(1/sqrt2)), out = v0 + p1 (v1 - v0) = [1 + 2 p1, 2 + 2 p1].
   */
  @Test
  void attentionByHand() {
    Tensor q = t(arena, new float[] {1, 0}, 1, 2);
    Tensor k = t(arena, new float[] {1, 0, 0, 1}, 2, 2);
    Tensor v = t(arena, new float[] {1, 2, 3, 4}, 2, 2);
    double p1 = 1 / (1 + Math.exp(1 / Math.sqrt(2)));
    Tensor y = ref.attention(q, k, v, null, Float.NaN);
    assertShape(y, 1, 2);
    assertValues(new float[] {(float) (1 + 2 * p1), (float) (2 + 2 * p1)}, y, TOL);
    // scale 0: the plain average of the value rows
    assertValues(new float[] {2, 3}, ref.attention(q, k, v, null, 0), TOL);
    // masking key 0 with -inf leaves value row 1; an additive mask of ln 3 on key 1 weights it 3:1
    assertValues(new float[] {3, 4}, ref.attention(q, k, v, t(arena, new float[] {Float.NEGATIVE_INFINITY, 0}, 1, 2), 0), 0);
    assertValues(new float[] {2.5f, 3.5f}, ref.attention(q, k, v, t(arena, new float[] {0, (float) Math.log(3)}, 2), 0), TOL);
    // everything masked: NaN like softmax; no keys: an empty sum
    float ninf = Float.NEGATIVE_INFINITY;
    assertValues(new float[] {Float.NaN, Float.NaN}, ref.attention(q, k, v, t(arena, new float[] {ninf, ninf}, 2), 0), 0);
    assertValues(new float[] {0, 0, 0}, ref.attention(q, Tensor.zeros(arena, 0, 2), Tensor.zeros(arena, 0, 3), null, 1), 0);
  }

  /** Batch dims broadcast: q [2,1,1,2] with k, v [1,2,2] -> [2,2... per batch entry the single-query answer. */
  @Test
  void attentionBroadcastsBatchDims() {
    Tensor q = t(arena, new float[] {1, 0, 0, 1}, 2, 1, 2); // two batch entries, one query each
    Tensor k = t(arena, new float[] {1, 0, 0, 1}, 1, 2, 2);
    Tensor v = t(arena, new float[] {1, 2, 3, 4}, 2, 2);
    Tensor y = ref.attention(q, k, v, null, Float.NaN);
    assertShape(y, 2, 1, 2);
    double p1 = 1 / (1 + Math.exp(1 / Math.sqrt(2))); // weight of the non-matching key
    assertValues(new float[] {(float) (1 + 2 * p1), (float) (2 + 2 * p1), (float) (3 - 2 * p1), (float) (4 - 2 * p1)},
        y, TOL);
    Tensor mask = t(arena, new float[] {0, Float.NEGATIVE_INFINITY}, 1, 1, 2); // broadcast over the batch
    assertValues(new float[] {1, 2, 1, 2}, ref.attention(q, k, v, mask, Float.NaN), 0);
  }

  @Test
  void attentionRejectsMismatchedShapes() {
    Tensor q = Tensor.zeros(arena, 2, 3);
    assertThrows(IllegalArgumentException.class, () -> ref.attention(q, Tensor.zeros(arena, 4, 2), Tensor.zeros(arena, 4, 5), null, 1));
    assertThrows(IllegalArgumentException.class, () -> ref.attention(q, Tensor.zeros(arena, 4, 3), Tensor.zeros(arena, 3, 5), null, 1));
    assertThrows(IllegalArgumentException.class, () -> ref.attention(q, Tensor.zeros(arena, 4, 3), Tensor.zeros(arena, 4, 5),
        Tensor.zeros(arena, 3, 4), 1));
    assertThrows(IllegalArgumentException.class, () -> ref.attention(Tensor.zeros(arena, 3), Tensor.zeros(arena, 4, 3),
        Tensor.zeros(arena, 4, 5), null, 1));
  }
}
