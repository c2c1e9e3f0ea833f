package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.GemmMicroKernel.S;
import static dev.worldfx.inference.cpu.GemmMicroKernel.V;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.LinearShapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;

/** matmul and gemm on the packed SGEMM ({@link Gemm}); every case is covered. */
final class CpuLinear {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

  private CpuLinear() {}

  static Tensor matmul(OpContext ctx, Tensor a, Tensor b) {
    LinearShapes.Matmul s = LinearShapes.matmul(a.shape(), b.shape());
    Tensor ac = a.contiguous(ctx.arena()); // [...,M,K]
    Tensor bc = b.contiguous(ctx.arena()); // [...,K,N]
    Tensor out = Tensor.zeros(ctx.arena(), s.outShape()); // [...,M,N]
    int m = s.m();
    int k = s.k();
    int n = s.n();
    long batches = s.batchCount();
    List<Gemm.Problem> problems = new ArrayList<>();
    if (sharesB(s)) {
      // One B for every batch and A not broadcast: the batches stack into one taller product.
      int rows = Math.toIntExact(batches * m);
      problems.add(new Gemm.Problem(rows, n, k, GemmMatrix.rowMajor(ac.data(), ac.offset(), k).asA(),
          GemmMatrix.rowMajor(bc.data(), bc.offset(), n).asB(), out.data(), 0, n, null));
    } else {
      for (long bi = 0; bi < batches; bi++) {
        GemmMatrix am = GemmMatrix.rowMajor(ac.data(), ac.offset() + s.aMatrix(bi) * m * k, k);
        GemmMatrix bm = GemmMatrix.rowMajor(bc.data(), bc.offset() + s.bMatrix(bi) * k * n, n);
        problems.add(new Gemm.Problem(m, n, k, am.asA(), bm.asB(), out.data(), bi * m * n, n, null));
      }
    }
    Gemm.run(problems, CpuThreads.threadsFor(ac.data(), bc.data(), out.data()));
    return out;
  }

  private static boolean sharesB(LinearShapes.Matmul s) {
    for (long bs : s.bBatchStrides()) {
      if (bs != 0) {
        return false;
      }
    }
    long expected = 1;
    for (int d = s.batch().length - 1; d >= 0; d--) {
      if (s.batch()[d] != 1 && s.aBatchStrides()[d] != expected) {
        return false;
      }
      expected *= s.batch()[d];
    }
    return true;
  }

  static Tensor gemm(OpContext ctx, Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, float alpha, float beta) {
    LinearShapes.Gemm s = LinearShapes.gemm(a.shape(), b.shape(), c == null ? null : c.shape(), transA, transB);
    Tensor ac = a.contiguous(ctx.arena()); // [M,K] or [K,M]
    Tensor bc = b.contiguous(ctx.arena()); // [K,N] or [N,K]
    Tensor cc = c == null ? null : c.contiguous(ctx.arena()); // broadcastable to [M,N]
    int m = s.m();
    int n = s.n();
    Tensor out = Tensor.zeros(ctx.arena(), m, n);
    GemmMatrix am = GemmMatrix.rowMajor(ac.data(), ac.offset(), a.dim(1));
    GemmMatrix bm = GemmMatrix.rowMajor(bc.data(), bc.offset(), b.dim(1));
    Gemm.Epilogue epilogue = null;
    if (alpha != 1f || cc != null) {
      epilogue = (m0, m1, n0, n1) -> scaleAndAdd(out.data(), n, alpha, cc, s, beta, m0, m1, n0, n1);
    }
    Gemm.Problem p = new Gemm.Problem(m, n, s.k(), (transA ? am.transposed() : am).asA(),
        (transB ? bm.transposed() : bm).asB(), out.data(), 0, n, epilogue);
    MemorySegment cSeg = cc == null ? out.data() : cc.data();
    Gemm.run(p, CpuThreads.threadsFor(ac.data(), bc.data(), cSeg, out.data()));
    return out;
  }

  /** out = alpha * out + beta * C over a block; C's strides are 0 along broadcast axes. */
  private static void scaleAndAdd(MemorySegment out, int n, float alpha, Tensor c, LinearShapes.Gemm s, float beta,
      int m0, int m1, int n0, int n1) {
    for (int i = m0; i < m1; i++) {
      long row = (long) i * n * 4;
      long cRow = c == null ? 0 : (c.offset() + i * s.cRowStride()) * 4;
      boolean cVaries = c != null && s.cColStride() != 0;
      float cScalar = c == null || cVaries ? 0 : c.data().get(F32, cRow);
      int j = n0;
      if (cVaries || c == null) {
        for (; j + V <= n1; j += V) {
          FloatVector v = FloatVector.fromMemorySegment(S, out, row + j * 4L, NATIVE).mul(alpha);
          if (c != null) {
            v = v.add(FloatVector.fromMemorySegment(S, c.data(), cRow + j * 4L, NATIVE).mul(beta));
          }
          v.intoMemorySegment(out, row + j * 4L, NATIVE);
        }
      } else {
        FloatVector bc = FloatVector.broadcast(S, cScalar * beta);
        for (; j + V <= n1; j += V) {
          FloatVector.fromMemorySegment(S, out, row + j * 4L, NATIVE).mul(alpha).add(bc)
              .intoMemorySegment(out, row + j * 4L, NATIVE);
        }
      }
      for (; j < n1; j++) {
        float v = out.get(F32, row + j * 4L) * alpha;
        if (c != null) {
          v += (cVaries ? c.data().get(F32, cRow + j * 4L) : cScalar) * beta;
        }
        out.set(F32, row + j * 4L, v);
      }
    }
  }
}
