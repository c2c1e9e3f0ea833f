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
 * the scores of a row accumulate over d in registers, vectorised across keys (k transposed
 * to [D,Lk] once per batch entry and task), then softmax in place, then the rows of v weighted
 * and summed over keys in registers, vectorised across Dv. Each output row is computed by one
 * task in a fixed order, whatever the thread count. Written as CpuPointwise explains; the
 * register accumulators loop over D and Lk, calls many enough for C2 to compile them whole.
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
          for (int j = 0; j < lk; j += 4 * L) {
            scoreBlock(cq.data(), (qOff + (long) i * d) * 4, kt, lk, d, j, scores);
          }
          float sum = softmax(scores, s, cm == null ? null : maskData, (mOff + i * mq) * 4, mk * 4, lanes);
          for (int e = 0; e < dv; e += 4 * L) {
            weightedBlock(scores, cv.data(), vOff * 4, dv, e, row);
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

  /**
   * scores[j0, j0 + 4L) = q . kt[:, j] for the query row at byte {@code qAt}: four vectors of keys
   * accumulated over d in order, in registers.
   */
  private static void scoreBlock(MemorySegment q, long qAt, float[] kt, int lk, int d, int j0, float[] scores) {
    VectorMask<Float> m0 = S.indexInRange(j0, lk);
    VectorMask<Float> m1 = S.indexInRange(j0 + L, lk);
    VectorMask<Float> m2 = S.indexInRange(j0 + 2 * L, lk);
    VectorMask<Float> m3 = S.indexInRange(j0 + 3 * L, lk);
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int e = 0; e < d; e++) {
      FloatVector qe = FloatVector.broadcast(S, q.get(F32, qAt + e * 4L));
      int at = e * lk + j0;
      a0 = FloatVector.fromArray(S, kt, at, m0).fma(qe, a0);
      a1 = FloatVector.fromArray(S, kt, at + L, m1).fma(qe, a1);
      a2 = FloatVector.fromArray(S, kt, at + 2 * L, m2).fma(qe, a2);
      a3 = FloatVector.fromArray(S, kt, at + 3 * L, m3).fma(qe, a3);
    }
    a0.intoArray(scores, j0, m0);
    a1.intoArray(scores, j0 + L, m1);
    a2.intoArray(scores, j0 + 2 * L, m2);
    a3.intoArray(scores, j0 + 3 * L, m3);
  }

  /**
   * row[e0, e0 + 4L) = sum over j in order of p[j] v[j, e], v [Lk,Dv] at byte {@code vAt}: four
   * vectors of Dv accumulated in registers.
   */
  private static void weightedBlock(float[] p, MemorySegment v, long vAt, int dv, int e0, float[] row) {
    VectorMask<Float> m0 = S.indexInRange(e0, dv);
    VectorMask<Float> m1 = S.indexInRange(e0 + L, dv);
    VectorMask<Float> m2 = S.indexInRange(e0 + 2 * L, dv);
    VectorMask<Float> m3 = S.indexInRange(e0 + 3 * L, dv);
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int j = 0; j < p.length; j++) {
      FloatVector pj = FloatVector.broadcast(S, p[j]);
      long at = vAt + ((long) j * dv + e0) * 4;
      a0 = CpuPointwise.load(v, at, m0).fma(pj, a0);
      a1 = CpuPointwise.load(v, at + L * 4L, m1).fma(pj, a1);
      a2 = CpuPointwise.load(v, at + 2L * L * 4, m2).fma(pj, a2);
      a3 = CpuPointwise.load(v, at + 3L * L * 4, m3).fma(pj, a3);
    }
    a0.intoArray(row, e0, m0);
    a1.intoArray(row, e0 + L, m1);
    a2.intoArray(row, e0 + 2 * L, m2);
    a3.intoArray(row, e0 + 3 * L, m3);
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
