package dev.worldfx.inference.ref;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Tensor;

/** Scalar reference of the linear ops: plain loops, double accumulation, one rounding per output. */
final class RefLinear {
  private RefLinear() {}

  static Tensor matmul(OpContext ctx, Tensor a, Tensor b) {
    LinearShapes.Matmul s = LinearShapes.matmul(a.shape(), b.shape());
    float[] av = a.toArray(); // [...,M,K]
    float[] bv = b.toArray(); // [...,K,N]
    int m = s.m();
    int k = s.k();
    int n = s.n();
    float[] out = new float[Math.toIntExact(s.batchCount() * m * n)];
    for (long bi = 0; bi < s.batchCount(); bi++) {
      int aBase = Math.toIntExact(s.aMatrix(bi) * m * k);
      int bBase = Math.toIntExact(s.bMatrix(bi) * k * n);
      int oBase = Math.toIntExact(bi * m * n);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double acc = 0;
          for (int p = 0; p < k; p++) {
            acc += (double) av[aBase + i * k + p] * bv[bBase + p * n + j];
          }
          out[oBase + i * n + j] = (float) acc;
        }
      }
    }
    return Tensor.of(ctx.arena(), out, s.outShape());
  }

  static Tensor gemm(OpContext ctx, Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, float alpha, float beta) {
    LinearShapes.Gemm s = LinearShapes.gemm(a.shape(), b.shape(), c == null ? null : c.shape(), transA, transB);
    int m = s.m();
    int k = s.k();
    int n = s.n();
    float[] av = a.toArray();
    float[] bv = b.toArray();
    float[] cv = c == null ? null : c.toArray();
    float[] out = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int p = 0; p < k; p++) {
          float aip = transA ? av[p * m + i] : av[i * k + p];
          float bpj = transB ? bv[j * k + p] : bv[p * n + j];
          acc += (double) aip * bpj;
        }
        double r = alpha * acc;
        if (cv != null) {
          r += (double) beta * cv[(int) (i * s.cRowStride() + j * s.cColStride())];
        }
        out[i * n + j] = (float) r;
      }
    }
    return Tensor.of(ctx.arena(), out, m, n);
  }
}
