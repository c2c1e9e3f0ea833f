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
  /** Query rows sharing each load of k and of v. */
  private static final int GROUP = 4;

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
    CpuThreads.forRange(batches * blocks, (long) ROWS * lk * (d + dv), (w0, w1) -> {
      float[] kt = new float[d * lk];
      float[] scores = new float[GROUP * lk];
      float[] rows = new float[GROUP * dv];
      float[] lanes = new float[4 * L];
      float[] sums = new float[GROUP];
      long[] qAt = new long[GROUP];
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
        int last = (int) Math.min(lq, (w % blocks + 1) * ROWS);
        for (int i = (int) (w % blocks * ROWS); i < last; i += GROUP) {
          // a short last group repeats its last row: a row's bits do not depend on its group
          for (int r = 0; r < GROUP; r++) {
            qAt[r] = (qOff + (long) Math.min(i + r, last - 1) * d) * 4;
          }
          for (int j = 0; j < lk; j += 2 * L) {
            scoreBlock(cq.data(), qAt, kt, lk, d, j, scores);
          }
          for (int r = 0; r < GROUP; r++) {
            long maskRow = (mOff + Math.min(i + r, last - 1) * mq) * 4;
            sums[r] = softmax(scores, r * lk, lk, s, cm == null ? null : maskData, maskRow, mk == 1, lanes);
          }
          for (int e = 0; e < dv; e += 2 * L) {
            weightedBlock(scores, lk, cv.data(), vOff * 4, dv, e, rows);
          }
          MemorySegment dst = out.data();
          for (int r = 0; r < GROUP && i + r < last; r++) {
            long to = (b * lq + i + r) * dv * 4;
            for (int e = 0; e < dv; e++) {
              dst.set(F32, to + e * 4L, lk == 0 ? 0 : rows[r * dv + e] / sums[r]);
            }
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
   * scores[r, j0 .. j0 + 2L) = q_r . kt[:, j] for the GROUP query rows at bytes {@code qAt}: 4 rows
   * by 2 vectors of keys accumulated over d in order, in registers, each load of kt used 4 times.
   * (Bigger blocks are more than C1 can compile, and then run interpreted until C2 gets to them.)
   */
  private static void scoreBlock(MemorySegment q, long[] qAt, float[] kt, int lk, int d, int j0, float[] scores) {
    VectorMask<Float> m0 = S.indexInRange(j0, lk);
    VectorMask<Float> m1 = S.indexInRange(j0 + L, lk);
    FloatVector a00 = FloatVector.zero(S);
    FloatVector a01 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    for (int e = 0; e < d; e++) {
      FloatVector k0 = FloatVector.fromArray(S, kt, e * lk + j0, m0);
      FloatVector k1 = FloatVector.fromArray(S, kt, e * lk + j0 + L, m1);
      FloatVector q0 = FloatVector.broadcast(S, q.get(F32, qAt[0] + e * 4L));
      a00 = k0.fma(q0, a00);
      a01 = k1.fma(q0, a01);
      FloatVector q1 = FloatVector.broadcast(S, q.get(F32, qAt[1] + e * 4L));
      a10 = k0.fma(q1, a10);
      a11 = k1.fma(q1, a11);
      FloatVector q2 = FloatVector.broadcast(S, q.get(F32, qAt[2] + e * 4L));
      a20 = k0.fma(q2, a20);
      a21 = k1.fma(q2, a21);
      FloatVector q3 = FloatVector.broadcast(S, q.get(F32, qAt[3] + e * 4L));
      a30 = k0.fma(q3, a30);
      a31 = k1.fma(q3, a31);
    }
    a00.intoArray(scores, j0, m0);
    a01.intoArray(scores, j0 + L, m1);
    a10.intoArray(scores, lk + j0, m0);
    a11.intoArray(scores, lk + j0 + L, m1);
    a20.intoArray(scores, 2 * lk + j0, m0);
    a21.intoArray(scores, 2 * lk + j0 + L, m1);
    a30.intoArray(scores, 3 * lk + j0, m0);
    a31.intoArray(scores, 3 * lk + j0 + L, m1);
  }

  /**
   * rows[r, e0 .. e0 + 2L) = sum over j in order of p[r, j] v[j, e], v [Lk,Dv] at byte {@code vAt}:
   * 4 rows by 2 vectors of Dv accumulated in registers, each load of v used 4 times.
   */
  private static void weightedBlock(float[] p, int lk, MemorySegment v, long vAt, int dv, int e0, float[] rows) {
    VectorMask<Float> m0 = S.indexInRange(e0, dv);
    VectorMask<Float> m1 = S.indexInRange(e0 + L, dv);
    FloatVector a00 = FloatVector.zero(S);
    FloatVector a01 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    for (int j = 0; j < lk; j++) {
      long at = vAt + ((long) j * dv + e0) * 4;
      FloatVector v0 = CpuPointwise.load(v, at, m0);
      FloatVector v1 = CpuPointwise.load(v, at + L * 4L, m1);
      FloatVector p0 = FloatVector.broadcast(S, p[j]);
      a00 = v0.fma(p0, a00);
      a01 = v1.fma(p0, a01);
      FloatVector p1 = FloatVector.broadcast(S, p[lk + j]);
      a10 = v0.fma(p1, a10);
      a11 = v1.fma(p1, a11);
      FloatVector p2 = FloatVector.broadcast(S, p[2 * lk + j]);
      a20 = v0.fma(p2, a20);
      a21 = v1.fma(p2, a21);
      FloatVector p3 = FloatVector.broadcast(S, p[3 * lk + j]);
      a30 = v0.fma(p3, a30);
      a31 = v1.fma(p3, a31);
    }
    a00.intoArray(rows, e0, m0);
    a01.intoArray(rows, e0 + L, m1);
    a10.intoArray(rows, dv + e0, m0);
    a11.intoArray(rows, dv + e0 + L, m1);
    a20.intoArray(rows, 2 * dv + e0, m0);
    a21.intoArray(rows, 2 * dv + e0 + L, m1);
    a30.intoArray(rows, 3 * dv + e0, m0);
    a31.intoArray(rows, 3 * dv + e0 + L, m1);
  }

  /**
   * scores[off, off + n) := exp(scores * scale + mask - max), unnormalised; returns their sum
   * (chunks in order). The mask row is at byte {@code at}: n floats, or one for all keys where
   * it does not walk; null for no mask.
   */
  private static float softmax(float[] scores, int off, int n, float scale, MemorySegment mask, long at,
      boolean maskWalks, float[] lanes) {
    FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    float repeated = mask == null || maskWalks ? 0 : mask.get(F32, at);
    for (int j = 0; j < n; j += L) {
      VectorMask<Float> m = S.indexInRange(j, n);
      FloatVector z = FloatVector.fromArray(S, scores, off + j, m).mul(scale);
      if (mask != null) {
        z = z.add(maskWalks ? CpuPointwise.load(mask, at + j * 4L, m) : FloatVector.broadcast(S, repeated));
      }
      z.intoArray(scores, off + j, m);
      max = max.max(FloatVector.broadcast(S, Float.NEGATIVE_INFINITY).blend(z, m));
    }
    max.intoArray(lanes, 0);
    float top = CpuPointwise.combineInOrder(Ops.Reduce.MAX, lanes, L);
    float sum = 0;
    for (int c = 0; c < n; c += CHUNK) {
      int len = Math.min(CHUNK, n - c);
      CpuPointwise.subtract(scores, off + c, top, len);
      PointwiseMath.exp(scores, off + c, len);
      sum += CpuPointwise.sumChunk(scores, off + c, len, lanes);
    }
    return sum;
  }
}
