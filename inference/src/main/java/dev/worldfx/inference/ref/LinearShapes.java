package dev.worldfx.inference.ref;

import java.util.Arrays;

/**
 * Shape rules of matmul and gemm, shared by the reference and the fast kernels so both
 * accept and reject exactly the same arguments with the same messages.
 */
public final class LinearShapes {
  private LinearShapes() {}

  /**
   * numpy matmul: a [...,M,K] x b [...,K,N]. A 1-D a is [1,K] and a 1-D b is [K,1], with that
   * dimension dropped from the result. Batch dims broadcast.
   *
   * @param batch the broadcast batch shape
   * @param aBatchStrides per batch dim, a's matrix index stride (0 where a broadcasts)
   */
  public record Matmul(int m, int k, int n, int[] batch, long[] aBatchStrides, long[] bBatchStrides, int[] outShape) {
    public long batchCount() {
      long c = 1;
      for (int d : batch) {
        c *= d;
      }
      return c;
    }

    /** Matrix index into a (in units of M*K elements) of flat batch index {@code i}. */
    public long aMatrix(long i) {
      return matrixOf(i, aBatchStrides);
    }

    public long bMatrix(long i) {
      return matrixOf(i, bBatchStrides);
    }

    private long matrixOf(long i, long[] strides) {
      long idx = 0;
      for (int d = batch.length - 1; d >= 0; d--) {
        idx += (i % batch[d]) * strides[d];
        i /= batch[d];
      }
      return idx;
    }
  }

  public static Matmul matmul(int[] aShape, int[] bShape) {
    if (aShape.length == 0 || bShape.length == 0) {
      throw new IllegalArgumentException("matmul of a scalar: " + Arrays.toString(aShape) + " x " + Arrays.toString(bShape));
    }
    boolean aVec = aShape.length == 1;
    boolean bVec = bShape.length == 1;
    int[] a = aVec ? new int[] {1, aShape[0]} : aShape;
    int[] b = bVec ? new int[] {bShape[0], 1} : bShape;
    int m = a[a.length - 2];
    int k = a[a.length - 1];
    int n = b[b.length - 1];
    if (b[b.length - 2] != k) {
      throw new IllegalArgumentException("matmul: inner dimensions differ: " + Arrays.toString(aShape) + " x "
          + Arrays.toString(bShape));
    }
    int ra = a.length - 2;
    int rb = b.length - 2;
    int r = Math.max(ra, rb);
    int[] batch = new int[r];
    long[] sa = new long[r];
    long[] sb = new long[r];
    long strideA = 1;
    long strideB = 1;
    for (int d = r - 1; d >= 0; d--) {
      int da = d - (r - ra) >= 0 ? a[d - (r - ra)] : 1;
      int db = d - (r - rb) >= 0 ? b[d - (r - rb)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("matmul: batch dimensions do not broadcast: " + Arrays.toString(aShape)
            + " x " + Arrays.toString(bShape));
      }
      batch[d] = da == 1 ? db : da;
      sa[d] = da == 1 ? 0 : strideA;
      sb[d] = db == 1 ? 0 : strideB;
      strideA *= da;
      strideB *= db;
    }
    int[] out = Arrays.copyOf(batch, r + 2);
    out[r] = m;
    out[r + 1] = n;
    if (aVec && bVec) {
      out = Arrays.copyOf(batch, r);
    } else if (aVec) {
      out = dropAxis(out, r);
    } else if (bVec) {
      out = dropAxis(out, r + 1);
    }
    return new Matmul(m, k, n, batch, sa, sb, out);
  }

  private static int[] dropAxis(int[] s, int axis) {
    int[] o = new int[s.length - 1];
    for (int i = 0, j = 0; i < s.length; i++) {
      if (i != axis) {
        o[j++] = s[i];
      }
    }
    return o;
  }

  /** ONNX Gemm: op(A) [M,K], op(B) [K,N]; C (if any) unidirectionally broadcastable to [M,N]. */
  public record Gemm(int m, int k, int n, long cRowStride, long cColStride) {}

  public static Gemm gemm(int[] aShape, int[] bShape, int[] cShape, boolean transA, boolean transB) {
    if (aShape.length != 2 || bShape.length != 2) {
      throw new IllegalArgumentException("gemm needs 2-D A and B, got " + Arrays.toString(aShape) + " and "
          + Arrays.toString(bShape));
    }
    int m = transA ? aShape[1] : aShape[0];
    int k = transA ? aShape[0] : aShape[1];
    int kb = transB ? bShape[1] : bShape[0];
    int n = transB ? bShape[0] : bShape[1];
    if (k != kb) {
      throw new IllegalArgumentException("gemm: inner dimensions differ: op(A) is " + m + "x" + k + ", op(B) is " + kb
          + "x" + n);
    }
    if (cShape == null) {
      return new Gemm(m, k, n, 0, 0);
    }
    if (cShape.length > 2) {
      throw new IllegalArgumentException("gemm: C of rank " + cShape.length + " does not broadcast to [" + m + "," + n + "]");
    }
    int cm = cShape.length == 2 ? cShape[0] : 1;
    int cn = cShape.length >= 1 ? cShape[cShape.length - 1] : 1;
    if ((cm != m && cm != 1) || (cn != n && cn != 1)) {
      throw new IllegalArgumentException("gemm: C " + Arrays.toString(cShape) + " does not broadcast to [" + m + "," + n
          + "]");
    }
    return new Gemm(m, k, n, cm == 1 ? 0 : cn, cn == 1 ? 0 : 1);
  }
}
