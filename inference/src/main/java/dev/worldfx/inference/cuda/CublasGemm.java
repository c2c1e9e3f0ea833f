package dev.worldfx.inference.cuda;

import static dev.worldfx.inference.cuda.CudaStatus.check;

import dev.worldfx.inference.cuda.CudaStatus.Api;
import dev.worldfx.inference.ref.LinearShapes;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Row-major GEMM on cuBLAS, which is column-major: C = op(A) op(B) in row-major is C^T = op(B)^T op(A)^T in
 * column-major, i.e. the same call with A and B swapped and m and n swapped; leading dimensions are the stored row
 * lengths. Math mode (FP32 or opted-in TF32) is the handle's (CudaRuntime.setTf32).
 */
final class CublasGemm {
  private CublasGemm() {}

  /**
   * C[i] = alpha op(A[i]) op(B[i]) + beta C[i] for i < batch, matrices {@code stride*} floats apart (0: the same
   * matrix for every i). lda, ldb, ldc: row lengths of A, B, C as stored.
   */
  static void rowMajor(CudaRuntime rt, boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
      long strideA, long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, long batch) {
    FloatPointer al = new FloatPointer(alpha);
    FloatPointer be = new FloatPointer(beta);
    int opA = transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
    int opB = transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
    if (batch == 1) {
      check(Api.CUBLAS, cublas.cublasSgemm_v2(rt.cublasHandle, opB, opA, n, m, k, al, floats(b), ldb, floats(a), lda, be,
          floats(c), ldc), "cublasSgemm(" + m + "x" + n + "x" + k + ")");
      return;
    }
    for (long done = 0; done < batch; ) {
      int chunk = (int) Math.min(batch - done, Integer.MAX_VALUE);
      check(Api.CUBLAS, cublas.cublasSgemmStridedBatched(rt.cublasHandle, opB, opA, n, m, k, al,
          floats(b + done * strideB * 4), ldb, strideB, floats(a + done * strideA * 4), lda, strideA, be,
          floats(c + done * strideC * 4), ldc, strideC, chunk), "cublasSgemmStridedBatched(" + chunk + " of " + m + "x"
          + n + "x" + k + ")");
      done += chunk;
    }
  }

  /**
   * numpy matmul over the broadcast batch: one strided-batched call when each operand's matrices are evenly spaced
   * (its own batch or one broadcast matrix), else one call per batch element.
   */
  static void batched(CudaRuntime rt, LinearShapes.Matmul s, long a, long b, long y) {
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

  private static FloatPointer floats(long address) {
    return new FloatPointer(new DevicePointer(address));
  }
}
