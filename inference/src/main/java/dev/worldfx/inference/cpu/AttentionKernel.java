package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.CpuPointwise.CHUNK;
import static dev.worldfx.inference.cpu.CpuPointwise.F32;
import static dev.worldfx.inference.cpu.CpuPointwise.L;
import static dev.worldfx.inference.cpu.CpuPointwise.S;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Scaled dot-product attention, softmax(q k^T * scale + mask) v, one query row at a time:
 * the scores of a row accumulate over d in an array, vectorised across keys (k transposed
 * to [D,Lk] once per batch entry), then softmax in place, then the rows of v weighted and
 * summed, vectorised across Dv. Each output row is computed by one task in a fixed order,
 * whatever the thread count. Written as CpuPointwise explains.
 */
final class AttentionKernel {
  /** Query rows per task unit: enough to amortise transposing k. */
  private static final int ROWS = 16;

  private AttentionKernel() {}

  /** Where the operands of one batch entry start, in elements; batch dims broadcast by stride 0. */
  private record Layout(int[] batch, long[] q, long[] k, long[] v, long[] mask) {
    long offset(long[] strides, long entry) {
      long off = 0;
      for (int d = batch.length - 1; d >= 0; d--) {
        off += entry % batch[d] * strides[d];
        entry /= batch[d];
      }
      return off;
    }
  }

  static Tensor attention(OpContext ctx, Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
    Layout layout = layout(q, k, v, mask, scale);
    if (layout == null) {
      return ctx.reference().attention(q, k, v, mask, scale);
    }
    int lq = q.dim(-2);
    int d = q.dim(-1);
    int lk = k.dim(-2);
    int dv = v.dim(-1);
    float s = Float.isNaN(scale) ? (float) (1 / Math.sqrt(d)) : scale;
    Tensor cq = q.contiguous(ctx.arena());
    Tensor ck = k.contiguous(ctx.arena());
    Tensor cv = v.contiguous(ctx.arena());
    Tensor cm = mask == null ? null : mask.contiguous(ctx.arena());
    int[] outShape = Arrays.copyOf(layout.batch, layout.batch.length + 2);
    outShape[layout.batch.length] = lq;
    outShape[layout.batch.length + 1] = dv;
    Tensor out = Tensor.zeros(ctx.arena(), outShape);
    long batches = Tensor.numel(layout.batch);
    long blocks = (lq + ROWS - 1) / ROWS;
    // mask strides along Lq and Lk: 0 where the mask broadcasts
    long mq = layout.mask == null ? 0 : layout.mask[layout.batch.length];
    long mk = layout.mask == null ? 0 : layout.mask[layout.batch.length + 1];
    MemorySegment maskData = cm == null ? out.data() : cm.data();
    PointwiseParallel.forRange(batches * blocks, (long) ROWS * lk * (d + dv), (w0, w1) -> {
      float[] kt = new float[d * lk];
      float[] scores = new float[lk];
      float[] row = new float[dv];
      float[] lanes = new float[4 * L];
      long transposed = -1;
      for (long w = w0; w < w1; w++) {
        long b = w / blocks;
        long kOff = ck.offset() + layout.offset(layout.k, b);
        if (kOff != transposed) {
          transpose(ck.data(), kOff, kt, lk, d);
          transposed = kOff;
        }
        long qOff = cq.offset() + layout.offset(layout.q, b);
        long vOff = cv.offset() + layout.offset(layout.v, b);
        long mOff = cm == null ? 0 : cm.offset() + layout.offset(layout.mask, b);
        for (int i = (int) (w % blocks * ROWS); i < Math.min(lq, (w % blocks + 1) * ROWS); i++) {
          Arrays.fill(scores, 0);
          for (int e = 0; e < d; e++) {
            float qe = cq.data().get(F32, (qOff + (long) i * d + e) * 4);
            axpy(qe, kt, e * lk, scores, lk);
          }
          float sum = softmax(scores, s, cm == null ? null : maskData, (mOff + i * mq) * 4, mk * 4, lanes);
          Arrays.fill(row, 0);
          for (int j = 0; j < lk; j++) {
            axpy(scores[j], cv.data(), (vOff + (long) j * dv) * 4, row, dv);
          }
          MemorySegment dst = out.data();
          long to = ((b * lq + i) * dv) * 4;
          for (int e = 0; e < dv; e++) {
            dst.set(F32, to + e * 4L, lk == 0 ? 0 : row[e] / sum);
          }
        }
      }
    }, cq.data(), ck.data(), cv.data(), maskData, out.data());
    return out;
  }

  /** Shapes checked as the reference does; null (the reference explains) when they do not fit. */
  private static Layout layout(Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
    if (q.rank() < 2 || k.rank() < 2 || v.rank() < 2 || k.dim(-1) != q.dim(-1) || v.dim(-2) != k.dim(-2)
        || q.dim(-1) == 0 && Float.isNaN(scale)) {
      return null;
    }
    int[] qb = Arrays.copyOf(q.shape(), q.rank() - 2);
    int[] kb = Arrays.copyOf(k.shape(), k.rank() - 2);
    int[] vb = Arrays.copyOf(v.shape(), v.rank() - 2);
    int[] qk = BroadcastPlan.shape(qb, kb);
    int[] batch = qk == null ? null : BroadcastPlan.shape(qk, vb);
    if (batch == null) {
      return null;
    }
    long[] ms = null;
    if (mask != null) {
      int[] scores = Arrays.copyOf(batch, batch.length + 2);
      scores[batch.length] = q.dim(-2);
      scores[batch.length + 1] = k.dim(-2);
      if (!Arrays.equals(BroadcastPlan.shape(mask.shape(), scores), scores)) {
        return null;
      }
      ms = strides(mask.shape(), scores, 1);
    }
    return new Layout(batch, strides(qb, batch, (long) q.dim(-2) * q.dim(-1)),
        strides(kb, batch, (long) k.dim(-2) * k.dim(-1)), strides(vb, batch, (long) v.dim(-2) * v.dim(-1)), ms);
  }

  /**
   * Element strides of dims {@code s} of a contiguous tensor, read as {@code target} (right-aligned,
   * 0 on broadcast dims), where one step of the last dim of s is {@code unit} elements.
   */
  private static long[] strides(int[] s, int[] target, long unit) {
    long[] st = new long[target.length];
    long step = unit;
    for (int i = target.length - 1; i >= 0; i--) {
      int j = i - target.length + s.length;
      int dim = j < 0 ? 1 : s[j];
      st[i] = dim == 1 ? 0 : step;
      step *= dim;
    }
    return st;
  }

  /** kt[e, j] = k[j, e] for the [lk, d] matrix at element {@code at}. */
  private static void transpose(MemorySegment k, long at, float[] kt, int lk, int d) {
    for (int j = 0; j < lk; j++) {
      for (int e = 0; e < d; e++) {
        kt[e * lk + j] = k.get(F32, (at + (long) j * d + e) * 4);
      }
    }
  }

  /** y[0, n) += a * x[from, from + n). */
  private static void axpy(float a, float[] x, int from, float[] y, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector.fromArray(S, x, from + i, m).fma(FloatVector.broadcast(S, a), FloatVector.fromArray(S, y, i, m))
          .intoArray(y, i, m);
    }
  }

  /** y[0, n) += a * (n floats of x at byte {@code at}). */
  private static void axpy(float a, MemorySegment x, long at, float[] y, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      CpuPointwise.load(x, at + i * 4L, m).fma(FloatVector.broadcast(S, a), FloatVector.fromArray(S, y, i, m))
          .intoArray(y, i, m);
    }
  }

  /**
   * scores := exp(scores * scale + mask - max), unnormalised; returns their sum (chunks in order).
   * The mask row is at byte {@code at}, stepping {@code step} bytes per key (0: one value for all).
   */
  private static float softmax(float[] scores, float scale, MemorySegment mask, long at, long step, float[] lanes) {
    int n = scores.length;
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      float z = scores[j] * scale;
      scores[j] = mask == null ? z : z + mask.get(F32, at + j * step);
      max = Math.max(max, scores[j]);
    }
    CpuPointwise.subtract(scores, max, n);
    PointwiseMath.exp(scores, n);
    float sum = 0;
    for (int c = 0; c < n; c += CHUNK) {
      sum += CpuPointwise.sumChunk(scores, c, Math.min(CHUNK, n - c), lanes);
    }
    return sum;
  }
}
