package dev.worldfx.inference.cuda;

import dev.worldfx.inference.ref.LinearShapes;

/**
 * Row-major GEMM on cuBLAS, which is column-major: C = op(A) op(B) in row-major is C^T = op(B)^T op(A)^T in
 * column-major, i.e. the same call with A and B swapped and m and n swapped; leading dimensions are the stored row
 * lengths. On the GPU this is cuBLAS (math mode FP32, or TF32 when opted in: CudaRuntime.setTf32).
 */
final class CublasGemm {
  private CublasGemm() {}

  /**
   * C[i] = alpha op(A[i]) op(B[i]) + beta C[i] for i < batch, matrices {@code stride*} floats apart (0: the same
   * matrix for every i). lda, ldb, ldc: row lengths of A, B, C as stored.
   */
  static void rowMajor(Device d, boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
      long strideA, long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, long batch) {
    for (long done = 0; done < batch; ) {
      int chunk = (int) Math.min(batch - done, Integer.MAX_VALUE);
      d.gemm(transB, transA, n, m, k, alpha, b + done * strideB * 4, ldb, strideB, a + done * strideA * 4, lda, strideA,
          beta, c + done * strideC * 4, ldc, strideC, chunk);
      done += chunk;
    }
  }

  /**
   * numpy matmul over the broadcast batch: one strided-batched call when each operand's matrices are evenly spaced
   * (its own batch or one broadcast matrix), else one call per batch element.
   */
  static void batched(Device rt, LinearShapes.Matmul s, long a, long b, long y) {
    int m = s.m();
    int n = s.n();
    int k = s.k();
    long count = s.batchCount();
    long sa = count > 1 ? s.aMatrix(1) : 0;
    long sb = count > 1 ? s.bMatrix(1) : 0;
    boolean even = true;
    for (long i = 0; i < count && even; i++) {
      even = s.aMatrix(i) == i * sa && s.bMatrix(i) == i * sb;
    }
    if (even) {
      rowMajor(rt, false, false, m, n, k, 1f, a, k, sa * m * k, b, n, sb * k * n, 0f, y, n, (long) m * n, count);
      return;
    }
    for (long i = 0; i < count; i++) {
      rowMajor(rt, false, false, m, n, k, 1f, a + s.aMatrix(i) * m * k * 4, k, 0, b + s.bMatrix(i) * k * n * 4, n, 0, 0f,
          y + i * m * n * 4, n, 0, 1);
    }
  }
}
