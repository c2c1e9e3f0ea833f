package dev.worldfx.inference.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The matmul and gemm references against values worked out by hand. */
class RefLinearTest {
  private final Arena arena = Arena.ofConfined();
  private final Ops ops = new ReferenceOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  private Tensor t(float[] v, int... shape) {
    return Tensor.of(arena, v, shape);
  }

  @Test
  void matmulOfTwoMatrices() {
    Tensor a = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = t(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
    Tensor c = ops.matmul(a, b);
    assertArrayEquals(new int[] {2, 2}, c.shape());
    assertArrayEquals(new float[] {58, 64, 139, 154}, c.toArray());
  }

  @Test
  void matmulBroadcastsBatchDims() {
    // a [2,1,2,2]: batch i is (i+1) * I; b [3,2,2]: batch j is a fixed matrix; so out[i,j] = (i+1) * b[j].
    Tensor a = t(new float[] {1, 0, 0, 1, 2, 0, 0, 2}, 2, 1, 2, 2);
    float[] bv = {1, 2, 3, 4, -1, 0, 5, 6, 7, -8, 9, 10};
    Tensor c = ops.matmul(a, t(bv, 3, 2, 2));
    assertArrayEquals(new int[] {2, 3, 2, 2}, c.shape());
    float[] expect = new float[24];
    for (int i = 0; i < 2; i++) {
      for (int e = 0; e < 12; e++) {
        expect[i * 12 + e] = (i + 1) * bv[e];
      }
    }
    assertArrayEquals(expect, c.toArray());
  }

  @Test
  void matmulOfVectorsDropsTheirDimension() {
    Tensor dot = ops.matmul(t(new float[] {1, 2, 3}, 3), t(new float[] {4, 5, 6}, 3));
    assertArrayEquals(new int[0], dot.shape());
    assertArrayEquals(new float[] {32}, dot.toArray());

    Tensor m = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor rowTimes = ops.matmul(t(new float[] {1, 2}, 2), m);
    assertArrayEquals(new int[] {3}, rowTimes.shape());
    assertArrayEquals(new float[] {9, 12, 15}, rowTimes.toArray());

    Tensor timesCol = ops.matmul(m, t(new float[] {1, 0, -1}, 3));
    assertArrayEquals(new int[] {2}, timesCol.shape());
    assertArrayEquals(new float[] {-2, -2}, timesCol.toArray());

    // [2,2,3] x [3]: the vector multiplies every batch matrix.
    Tensor batched = ops.matmul(t(new float[] {1, 2, 3, 4, 5, 6, 0, 0, 1, 1, 0, 0}, 2, 2, 3), t(new float[] {1, 0, -1}, 3));
    assertArrayEquals(new int[] {2, 2}, batched.shape());
    assertArrayEquals(new float[] {-2, -2, -1, 1}, batched.toArray());
  }

  @Test
  void matmulReadsNonContiguousViews() {
    Tensor at = t(new float[] {1, 4, 2, 5, 3, 6}, 3, 2).transpose(0, 1); // [[1,2,3],[4,5,6]]
    Tensor c = ops.matmul(at, t(new float[] {7, 8, 9, 10, 11, 12}, 3, 2));
    assertArrayEquals(new float[] {58, 64, 139, 154}, c.toArray());
  }

  @Test
  void matmulRejectsBadShapes() {
    assertThrows(IllegalArgumentException.class, () -> ops.matmul(Tensor.zeros(arena, 2, 3), Tensor.zeros(arena, 2, 3)));
    assertThrows(IllegalArgumentException.class,
        () -> ops.matmul(Tensor.zeros(arena, 2, 2, 3), Tensor.zeros(arena, 3, 3, 1)));
    assertThrows(IllegalArgumentException.class, () -> ops.matmul(Tensor.zeros(arena), Tensor.zeros(arena, 3)));
  }

  // A = [[1,2],[3,4]], B = [[5,6],[7,8]]: AB = [[19,22],[43,50]], A'B' = [[23,31],[34,46]].
  private final float[] a = {1, 2, 3, 4};
  private final float[] b = {5, 6, 7, 8};

  @Test
  void gemmTransposesScalesAndAddsABroadcastRow() {
    Tensor r = ops.gemm(t(a, 2, 2), t(b, 2, 2), t(new float[] {1, 2}, 2), true, true, 2f, 0.5f);
    assertArrayEquals(new float[] {46.5f, 63, 68.5f, 93}, r.toArray());
  }

  @Test
  void gemmAddsAColumnAScalarOrNothing() {
    Tensor col = ops.gemm(t(a, 2, 2), t(b, 2, 2), t(new float[] {10, 20}, 2, 1), false, false, 1f, 1f);
    assertArrayEquals(new float[] {29, 32, 63, 70}, col.toArray());
    Tensor scalar = ops.gemm(t(a, 2, 2), t(b, 2, 2), t(new float[] {3}), false, false, 1f, -1f);
    assertArrayEquals(new float[] {16, 19, 40, 47}, scalar.toArray());
    Tensor none = ops.gemm(t(a, 2, 2), t(b, 2, 2), null, false, false, 1f, 7f);
    assertArrayEquals(new float[] {19, 22, 43, 50}, none.toArray());
  }

  @Test
  void gemmOfRectangularOperands() {
    // A [1,3] x B^T where B [2,3]: [1,2,3].[1,1,1] = 6, [1,2,3].[0,1,-1] = -1
    Tensor r = ops.gemm(t(new float[] {1, 2, 3}, 1, 3), t(new float[] {1, 1, 1, 0, 1, -1}, 2, 3), null, false, true, 1f, 0f);
    assertArrayEquals(new int[] {1, 2}, r.shape());
    assertArrayEquals(new float[] {6, -1}, r.toArray());
  }

  @Test
  void gemmWithEmptyInnerDimensionIsBetaC() {
    Tensor r = ops.gemm(Tensor.zeros(arena, 2, 0), Tensor.zeros(arena, 0, 3), t(new float[] {1, 2, 3}, 3), false, false,
        1f, 2f);
    assertArrayEquals(new float[] {2, 4, 6, 2, 4, 6}, r.toArray());
  }

  @Test
  void gemmRejectsBadShapes() {
    Tensor m22 = Tensor.zeros(arena, 2, 2);
    assertThrows(IllegalArgumentException.class, () -> ops.gemm(Tensor.zeros(arena, 2, 3), m22, null, false, false, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> ops.gemm(m22, m22, Tensor.zeros(arena, 3), false, false, 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> ops.gemm(m22, m22, Tensor.zeros(arena, 1, 2, 2), false, false, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> ops.gemm(Tensor.zeros(arena, 2), m22, null, false, false, 1, 0));
  }
}
