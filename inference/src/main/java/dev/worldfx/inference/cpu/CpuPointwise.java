package dev.worldfx.inference.cpu;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast CPU kernels of the pointwise ops: Vector API lanes, work split over threads.
 *
 * <p>How the kernels are written, for speed: work goes in chunks of at most {@link #CHUNK}
 * elements to small loop methods that call nothing with a vector argument (C2 boxes a vector
 * it hands to a method it does not inline, which costs ten times the arithmetic) and create
 * their vector constants inside the loop body. Such a method runs often and briefly, so C2
 * compiles it whole rather than entering a long loop by on-stack replacement, where vectors
 * live across the back edge arrive boxed. Longer accumulations go through memory.
 *
 * <p>For determinism: every element is computed by the same lane-wise code wherever it falls
 * (tails use masks, not a scalar loop), every sum runs in an order fixed by the shape alone
 * (vector lanes, then lanes and chunks first to last, never reduceLanes(ADD) whose order is up
 * to the JIT), so results do not depend on the thread count. Invalid arguments go to the
 * reference, which explains them.
 */
final class CpuPointwise {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  /** Elements one kernel call handles; a row longer than this is summed chunk by chunk, the chunks in order. */
  static final int CHUNK = 1024;
  /** Columns of a kept inner axis handled together when reducing or normalising along an outer axis. */
  static final int COLUMNS = 256;

  private CpuPointwise() {}

  // --- unary -------------------------------------------------------------------------------

  static Tensor unary(OpContext ctx, Ops.Unary op, Tensor x, float alpha) {
    Tensor in = x.contiguous(ctx.arena()); // any shape, as a flat run of floats
    Tensor out = Tensor.zeros(ctx.arena(), in.shape());
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    long sb = in.offset() * 4;
    int cost = switch (op) {
      case RELU, LEAKY_RELU, NEG, ABS, IDENTITY, SQRT -> 1;
      default -> 16;
    };
    CpuThreads.forRange(chunks(in.numel()), cost * CHUNK, (c0, c1) -> {
      float[] v = new float[CHUNK];
      float[] t = new float[CHUNK];
      float[] u = new float[CHUNK];
      for (long c = c0; c < c1; c++) {
        long from = c * CHUNK;
        int n = (int) Math.min(CHUNK, in.numel() - from);
        switch (op) {
          case RELU, LEAKY_RELU, NEG, ABS, IDENTITY, SQRT -> simpleUnary(op, alpha, src, sb + from * 4, dst, from * 4, n);
          // Math.log per element, as the reference: LOG is rare in models and needs no vector form
          case LOG -> {
            for (int i = 0; i < n; i++) {
              dst.set(F32, (from + i) * 4, (float) Math.log(src.get(F32, sb + (from + i) * 4)));
            }
          }
          default -> {
            MemorySegment.copy(src, F32, sb + from * 4, v, 0, n);
            if (op == Ops.Unary.GELU) {
              PointwiseGelu.apply(v, t, u, n);
            } else {
              PointwiseMath.activation(op, v, t, n);
            }
            MemorySegment.copy(v, 0, dst, F32, from * 4, n);
          }
        }
      }
    }, src, dst);
    return out;
  }

  /** The ops without exp, straight from input to output memory. */
  private static void simpleUnary(Ops.Unary op, float alpha, MemorySegment src, long sb, MemorySegment dst, long db,
      int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector v = load(src, sb + i * 4L, m);
      FloatVector r = switch (op) {
        case RELU -> v.max(0f);
        case LEAKY_RELU -> v.blend(v.mul(alpha), v.compare(VectorOperators.LT, 0f));
        case SQRT -> v.sqrt();
        case NEG -> v.neg();
        case ABS -> v.abs();
        case IDENTITY -> v;
        default -> throw new IllegalArgumentException(op + " needs exp or log");
      };
      r.intoMemorySegment(dst, db + i * 4L, NATIVE, m);
    }
  }

  // --- binary ------------------------------------------------------------------------------

  static Tensor binary(OpContext ctx, Ops.Binary op, Tensor a, Tensor b) {
    BroadcastPlan plan = BroadcastPlan.of(a.shape(), b.shape());
    if (plan == null) {
      return ctx.reference().binary(op, a, b);
    }
    Tensor ca = a.contiguous(ctx.arena());
    Tensor cb = b.contiguous(ctx.arena());
    Tensor out = Tensor.zeros(ctx.arena(), plan.shape); // [rows..., rowLength] once dims are merged
    MemorySegment sa = ca.data();
    MemorySegment sb = cb.data();
    MemorySegment dst = out.data();
    long len = plan.rowLength;
    long total = out.numel();
    // chunks of the flat output: a chunk may start mid-row and span rows
    CpuThreads.forRange(chunks(total), op == Ops.Binary.POW ? 16 * CHUNK : CHUNK, (c0, c1) -> {
      for (long c = c0; c < c1; c++) {
        long end = Math.min(total, (c + 1) * CHUNK);
        for (long i = c * CHUNK; i < end; ) {
          long row = i / len;
          long col = i % len;
          int n = (int) Math.min(end - i, len - col);
          long ai = (ca.offset() + plan.aOffset(row) + (plan.aWalks ? col : 0)) * 4;
          long bi = (cb.offset() + plan.bOffset(row) + (plan.bWalks ? col : 0)) * 4;
          if (op == Ops.Binary.POW) {
            pow(sa, ai, plan.aWalks, sb, bi, plan.bWalks, dst, i * 4, n);
          } else {
            binaryRun(op, sa, ai, plan.aWalks, sb, bi, plan.bWalks, dst, i * 4, n);
          }
          i += n;
        }
      }
    }, sa, sb, dst);
    return out;
  }

  /** n outputs at byte oi; an input that does not walk repeats the value at its byte offset. */
  private static void binaryRun(Ops.Binary op, MemorySegment a, long ai, boolean aWalks, MemorySegment b, long bi,
      boolean bWalks, MemorySegment out, long oi, int n) {
    float ra = a.get(F32, ai);
    float rb = b.get(F32, bi);
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector x = aWalks ? load(a, ai + i * 4L, m) : FloatVector.broadcast(S, ra);
      FloatVector y = bWalks ? load(b, bi + i * 4L, m) : FloatVector.broadcast(S, rb);
      FloatVector r = switch (op) {
        case ADD -> x.add(y);
        case SUB -> x.sub(y);
        case MUL -> x.mul(y);
        case DIV -> x.div(y);
        case MAX -> x.max(y);
        case MIN -> x.min(y);
        case POW -> throw new IllegalArgumentException("POW has its own loop");
      };
      r.intoMemorySegment(out, oi + i * 4L, NATIVE, m);
    }
  }

  /** Math.pow per element, as the reference: the Vector API's POW rounds differently compiled and interpreted. */
  private static void pow(MemorySegment a, long ai, boolean aWalks, MemorySegment b, long bi, boolean bWalks,
      MemorySegment out, long oi, int n) {
    for (int i = 0; i < n; i++) {
      float x = a.get(F32, ai + (aWalks ? i * 4L : 0));
      float y = b.get(F32, bi + (bWalks ? i * 4L : 0));
      out.set(F32, oi + i * 4L, (float) Math.pow(x, y));
    }
  }

  // --- reduce ------------------------------------------------------------------------------

  static Tensor reduce(OpContext ctx, Ops.Reduce op, Tensor x, int[] axes, boolean keepDims) {
    int[] shape = x.shape();
    boolean[] reduced = reducedAxes(axes, shape.length);
    if (reduced == null || x.numel() == 0) {
      // bad axes are explained by the reference; empty sets get its identities (0, NaN, -inf, +inf) at no cost
      return ctx.reference().reduce(op, x, axes, keepDims);
    }
    int[] outShape = IntStream.range(0, shape.length)
        .filter(d -> keepDims || !reduced[d])
        .map(d -> reduced[d] ? 1 : shape[d])
        .toArray();
    Ops.Reduce pass = op == Ops.Reduce.MEAN ? Ops.Reduce.SUM : op;
    long count = 1;
    Tensor in = x.contiguous(ctx.arena());
    Tensor cur = in;
    int[] cs = shape.clone();
    // one pass per run of adjacent reduced axes, innermost first: [outer, n, inner] -> [outer, inner]
    for (int d = shape.length - 1; d >= 0; d--) {
      if (!reduced[d]) {
        continue;
      }
      int end = d + 1;
      while (d > 0 && reduced[d - 1]) {
        d--;
      }
      long inner = Tensor.numel(Arrays.copyOfRange(cs, end, cs.length));
      long n = Tensor.numel(Arrays.copyOfRange(cs, d, end));
      long outer = Tensor.numel(Arrays.copyOfRange(cs, 0, d));
      Arrays.fill(cs, d, end, 1);
      count *= n;
      if (n == 1) {
        continue;
      }
      Tensor next = Tensor.zeros(ctx.arena(), Math.toIntExact(outer * inner));
      if (inner == 1) {
        reduceRows(pass, cur, next, outer, n);
      } else {
        reduceColumns(pass, cur, next, outer, n, inner);
      }
      cur = next;
    }
    if (cur == in) {
      cur = unary(ctx, Ops.Unary.IDENTITY, in, 0); // all reduced axes have size 1: a copy
    }
    if (op == Ops.Reduce.MEAN) {
      divide(cur.data(), 0, count, cur.numel());
    }
    return cur.reshape(outShape);
  }

  /** Which axes are reduced (none listed: all), or null for a bad list, which the reference reports. */
  private static boolean[] reducedAxes(int[] axes, int rank) {
    boolean[] reduced = new boolean[rank];
    Arrays.fill(reduced, axes.length == 0);
    for (int a : axes) {
      int d = a < 0 ? a + rank : a;
      if (d < 0 || d >= rank || reduced[d]) {
        return null;
      }
      reduced[d] = true;
    }
    return reduced;
  }

  /** out[o] = op over the contiguous row x[o, 0..n): a partial per chunk, then the chunks in order. */
  private static void reduceRows(Ops.Reduce op, Tensor x, Tensor out, long outer, long n) {
    MemorySegment src = x.data();
    long base = x.offset() * 4;
    long chunks = chunks(n);
    float[] partial = new float[Math.toIntExact(outer * chunks)];
    CpuThreads.forRange(outer * chunks, CHUNK, (w0, w1) -> {
      float[] lanes = new float[4 * L];
      for (long w = w0; w < w1; w++) {
        long start = w % chunks * CHUNK;
        long at = base + (w / chunks * n + start) * 4;
        reduceChunk(op, src, at, (int) Math.min(CHUNK, n - start), lanes);
        partial[(int) w] = combineInOrder(op, lanes, lanes.length);
      }
    }, src);
    for (long o = 0; o < outer; o++) {
      float acc = partial[(int) (o * chunks)];
      for (long k = 1; k < chunks; k++) {
        acc = combine(op, acc, partial[(int) (o * chunks + k)]);
      }
      out.data().set(F32, o * 4, acc);
    }
  }

  /**
   * Four vector accumulators over n <= CHUNK contiguous floats, their lanes left in
   * {@code lanes} (4 L of them). The op switch is inside the loop body: nothing is called.
   */
  static void reduceChunk(Ops.Reduce op, MemorySegment seg, long at, int n, float[] lanes) {
    float id = identity(op);
    FloatVector a0 = FloatVector.broadcast(S, id);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int i = 0; i < n; i += 4 * L) {
      // past the end: the identity, so the four accumulators stay in step
      FloatVector idv = FloatVector.broadcast(S, id);
      VectorMask<Float> m0 = S.indexInRange(i, n);
      VectorMask<Float> m1 = S.indexInRange(i + L, n);
      VectorMask<Float> m2 = S.indexInRange(i + 2 * L, n);
      VectorMask<Float> m3 = S.indexInRange(i + 3 * L, n);
      FloatVector v0 = idv.blend(load(seg, at + i * 4L, m0), m0);
      FloatVector v1 = idv.blend(load(seg, at + (i + L) * 4L, m1), m1);
      FloatVector v2 = idv.blend(load(seg, at + (i + 2 * L) * 4L, m2), m2);
      FloatVector v3 = idv.blend(load(seg, at + (i + 3 * L) * 4L, m3), m3);
      switch (op) {
        case SUM, MEAN -> {
          a0 = a0.add(v0);
          a1 = a1.add(v1);
          a2 = a2.add(v2);
          a3 = a3.add(v3);
        }
        case MAX -> {
          a0 = a0.max(v0);
          a1 = a1.max(v1);
          a2 = a2.max(v2);
          a3 = a3.max(v3);
        }
        case MIN -> {
          a0 = a0.min(v0);
          a1 = a1.min(v1);
          a2 = a2.min(v2);
          a3 = a3.min(v3);
        }
      }
    }
    a0.intoArray(lanes, 0);
    a1.intoArray(lanes, L);
    a2.intoArray(lanes, 2 * L);
    a3.intoArray(lanes, 3 * L);
  }

  /** out[o, :] = op over j of x[o, j, :], COLUMNS columns at a time, j in order, accumulating in out. */
  private static void reduceColumns(Ops.Reduce op, Tensor x, Tensor out, long outer, long n, long inner) {
    MemorySegment src = x.data();
    MemorySegment dst = out.data();
    long base = x.offset() * 4;
    long blocks = (inner + COLUMNS - 1) / COLUMNS;
    CpuThreads.forRange(outer * blocks, n * COLUMNS, (w0, w1) -> {
      for (long w = w0; w < w1; w++) {
        long o = w / blocks;
        long c = w % blocks * COLUMNS;
        int width = (int) Math.min(COLUMNS, inner - c);
        long to = (o * inner + c) * 4;
        long at = base + (o * n * inner + c) * 4;
        MemorySegment.copy(src, at, dst, to, width * 4L);
        for (long j = 1; j < n; j++) {
          accumulateColumns(op, dst, to, src, at + j * inner * 4, width);
        }
      }
    }, src, dst);
  }

  /** acc[0, width) := op(acc, v) for floats at bytes {@code ai} and {@code vi}. */
  private static void accumulateColumns(Ops.Reduce op, MemorySegment acc, long ai, MemorySegment v, long vi, int width) {
    for (int i = 0; i < width; i += L) {
      VectorMask<Float> m = S.indexInRange(i, width);
      FloatVector a = load(acc, ai + i * 4L, m);
      FloatVector b = load(v, vi + i * 4L, m);
      FloatVector r = switch (op) {
        case SUM, MEAN -> a.add(b);
        case MAX -> a.max(b);
        case MIN -> a.min(b);
      };
      r.intoMemorySegment(acc, ai + i * 4L, NATIVE, m);
    }
  }

  private static float identity(Ops.Reduce op) {
    return switch (op) {
      case SUM, MEAN -> 0f;
      case MAX -> Float.NEGATIVE_INFINITY;
      case MIN -> Float.POSITIVE_INFINITY;
    };
  }

  private static float combine(Ops.Reduce op, float acc, float v) {
    return switch (op) {
      case SUM, MEAN -> acc + v;
      case MAX -> Math.max(acc, v);
      case MIN -> Math.min(acc, v);
    };
  }

  /** v[0, n) combined first to last. */
  static float combineInOrder(Ops.Reduce op, float[] v, int n) {
    float acc = v[0];
    for (int k = 1; k < n; k++) {
      acc = combine(op, acc, v[k]);
    }
    return acc;
  }

  // --- softmax -----------------------------------------------------------------------------

  static Tensor softmax(OpContext ctx, Tensor x, int axis) {
    int[] shape = x.shape();
    if (axis < -shape.length || axis >= shape.length) {
      return ctx.reference().softmax(x, axis);
    }
    int d = axis < 0 ? axis + shape.length : axis;
    Tensor in = x.contiguous(ctx.arena());
    Tensor out = Tensor.zeros(ctx.arena(), shape);
    long n = shape[d];
    long inner = Tensor.numel(Arrays.copyOfRange(shape, d + 1, shape.length));
    long outer = Tensor.numel(Arrays.copyOfRange(shape, 0, d));
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    long base = in.offset() * 4;
    if (out.numel() == 0) {
      return out;
    }
    if (inner == 1) {
      CpuThreads.forRange(outer, 16 * n, (o0, o1) -> {
        SoftmaxScratch s = new SoftmaxScratch();
        for (long o = o0; o < o1; o++) {
          softmaxRow(src, base + o * n * 4, dst, o * n * 4, n, s);
        }
      }, src, dst);
      return out;
    }
    long blocks = (inner + COLUMNS - 1) / COLUMNS;
    CpuThreads.forRange(outer * blocks, 16 * n * COLUMNS, (w0, w1) -> {
      SoftmaxScratch s = new SoftmaxScratch();
      for (long w = w0; w < w1; w++) {
        long o = w / blocks;
        long c = w % blocks * COLUMNS;
        long offset = (o * n * inner + c) * 4;
        softmaxColumns(src, base + offset, dst, offset, n, inner * 4, (int) Math.min(COLUMNS, inner - c), s);
      }
    }, src, dst);
    return out;
  }

  /** Per-task buffers of the softmax passes. */
  static final class SoftmaxScratch {
    final float[] values = new float[CHUNK];
    final float[] acc = new float[CHUNK];
    final float[] lanes = new float[4 * L];
  }

  /**
   * Softmax of n contiguous floats: the max, then exp(x - max) written out and summed chunk by
   * chunk (lanes, then chunks in order), then divided by the sum.
   */
  static void softmaxRow(MemorySegment src, long at, MemorySegment dst, long to, long n, SoftmaxScratch s) {
    float max = Float.NEGATIVE_INFINITY;
    for (long c = 0; c < n; c += CHUNK) {
      reduceChunk(Ops.Reduce.MAX, src, at + c * 4, (int) Math.min(CHUNK, n - c), s.lanes);
      max = Math.max(max, combineInOrder(Ops.Reduce.MAX, s.lanes, s.lanes.length));
    }
    float sum = 0;
    for (long c = 0; c < n; c += CHUNK) {
      int len = (int) Math.min(CHUNK, n - c);
      MemorySegment.copy(src, F32, at + c * 4, s.values, 0, len);
      subtract(s.values, 0, max, len);
      PointwiseMath.exp(s.values, 0, len);
      MemorySegment.copy(s.values, 0, dst, F32, to + c * 4, len);
      sum += sumChunk(s.values, 0, len, s.lanes);
    }
    divide(dst, to, sum, n);
  }

  /**
   * Softmax down the n rows, {@code stride} bytes apart, of {@code width} columns: the max and
   * the sum accumulate in arrays, a row at a time.
   */
  private static void softmaxColumns(MemorySegment src, long at, MemorySegment dst, long to, long n, long stride,
      int width, SoftmaxScratch s) {
    float[] max = s.acc;
    MemorySegment.copy(src, F32, at, max, 0, width);
    for (long j = 1; j < n; j++) {
      MemorySegment.copy(src, F32, at + j * stride, s.values, 0, width);
      maxInto(max, s.values, width);
    }
    float[] sums = new float[width];
    for (long j = 0; j < n; j++) {
      MemorySegment.copy(src, F32, at + j * stride, s.values, 0, width);
      subtract(s.values, max, width);
      PointwiseMath.exp(s.values, 0, width);
      MemorySegment.copy(s.values, 0, dst, F32, to + j * stride, width);
      addInto(sums, s.values, width);
    }
    for (long j = 0; j < n; j++) {
      divideColumns(dst, to + j * stride, sums, width);
    }
  }

  /** v[from, from + n) -= c. */
  static void subtract(float[] v, int from, float c, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector.fromArray(S, v, from + i, m).sub(c).intoArray(v, from + i, m);
    }
  }

  /** v[0, n) -= c[0, n). */
  private static void subtract(float[] v, float[] c, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector.fromArray(S, v, i, m).sub(FloatVector.fromArray(S, c, i, m)).intoArray(v, i, m);
    }
  }

  private static void maxInto(float[] acc, float[] v, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector.fromArray(S, acc, i, m).max(FloatVector.fromArray(S, v, i, m)).intoArray(acc, i, m);
    }
  }

  private static void addInto(float[] acc, float[] v, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector.fromArray(S, acc, i, m).add(FloatVector.fromArray(S, v, i, m)).intoArray(acc, i, m);
    }
  }

  /** Sum of v[from, from + n), n <= CHUNK, in a fixed order: L lanes down the chunk, then the lanes first to last. */
  static float sumChunk(float[] v, int from, int n, float[] lanes) {
    FloatVector acc = FloatVector.zero(S);
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      acc = acc.add(FloatVector.fromArray(S, v, from + i, m));
    }
    acc.intoArray(lanes, 0);
    return combineInOrder(Ops.Reduce.SUM, lanes, L);
  }

  /** n floats at byte {@code at} divided by d. */
  static void divide(MemorySegment seg, long at, float d, long n) {
    for (long c = 0; c < n; c += CHUNK) {
      divideChunk(seg, at + c * 4, d, (int) Math.min(CHUNK, n - c));
    }
  }

  private static void divideChunk(MemorySegment seg, long at, float d, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      load(seg, at + i * 4L, m).div(d).intoMemorySegment(seg, at + i * 4L, NATIVE, m);
    }
  }

  private static void divideColumns(MemorySegment seg, long at, float[] d, int n) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      load(seg, at + i * 4L, m).div(FloatVector.fromArray(S, d, i, m)).intoMemorySegment(seg, at + i * 4L, NATIVE, m);
    }
  }

  // --- memory ------------------------------------------------------------------------------

  static long chunks(long n) {
    return (n + CHUNK - 1) / CHUNK;
  }

  static FloatVector load(MemorySegment seg, long byteOffset, VectorMask<Float> m) {
    return FloatVector.fromMemorySegment(S, seg, byteOffset, NATIVE, m);
  }
}
