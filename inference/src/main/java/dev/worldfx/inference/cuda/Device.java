package dev.worldfx.inference.cuda;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * What the kernel ops need of a device: memory, copies, kernel launches, one op at a time. CudaRuntime is the real
 * one; the tests also run the ops over a host emulation of the kernels (same source, compiled by the host compiler),
 * which checks the ops' argument building and the kernels' arithmetic against the CPU backend without a GPU.
 */
interface Device {
  /** Runs {@code work} as one op: the device current, the work finished when it returns. */
  <T> T run(Supplier<T> work);

  DeviceBuffer allocate(long bytes);

  void upload(MemorySegment src, long srcOffset, long dst, long bytes);

  void download(long src, MemorySegment dst, long dstOffset, long bytes);

  void zero(long dst, long bytes);

  /** One thread per element of {@code n} (grid-stride loops cover the rest). */
  void launchElements(String kernel, long n, Object... args);

  /** One block per row (block-wide reductions). */
  void launchRows(String kernel, long rows, Object... args);

  /**
   * cuBLAS's strided batched SGEMM, column-major as cuBLAS defines it: C[i] = alpha op(A[i]) op(B[i]) + beta C[i]
   * (C not read when beta is 0), op(A) m x k, op(B) k x n, C m x n with leading dimension ldc, matrices stride*
   * floats apart. CublasGemm maps row-major products onto it.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA, long b,
      int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch);

  /** For log lines: which device. */
  String describe();
}
