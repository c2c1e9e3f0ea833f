package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.CpuPointwise.CHUNK;
import static dev.worldfx.inference.cpu.CpuPointwise.L;
import static dev.worldfx.inference.cpu.CpuPointwise.NATIVE;
import static dev.worldfx.inference.cpu.CpuPointwise.S;
import static dev.worldfx.inference.cpu.CpuPointwise.chunks;
import static dev.worldfx.inference.cpu.CpuPointwise.load;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Fast CPU kernels of the normalisations, written as CpuPointwise explains (chunks, loops that
 * call nothing, sums in an order fixed by the shape). Group and layer norm share one path:
 * statistics over contiguous spans ([N,C,...] in groups of C/G channels, or rows of the
 * normalised dims), each span's sums taken chunk by chunk, the chunks in order, in float;
 * two-pass variance. Attention lives in AttentionKernel. Invalid arguments go to the
 * reference, which explains them.
 */
final class CpuNorm {
  private CpuNorm() {}

  static Tensor batchNorm(OpContext ctx, Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, float eps) {
    if (x.rank() < 2 || !isVector(scale, x.dim(1)) || !isVector(bias, x.dim(1)) || !isVector(mean, x.dim(1))
        || !isVector(var, x.dim(1))) {
      return ctx.reference().batchNorm(x, scale, bias, mean, var, eps);
    }
    int c = x.dim(1); // x [N,C,...], parameters [C]
    float[] s = scale.toArray();
    float[] b = bias.toArray();
    float[] m = mean.toArray();
    float[] v = var.toArray();
    // y = (x - mean) * a + bias, a = scale / sqrt(var + eps) rounded once from double
    float[] a = new float[c];
    for (int ch = 0; ch < c; ch++) {
      a[ch] = (float) (s[ch] / Math.sqrt((double) v[ch] + eps));
    }
    Tensor in = x.contiguous(ctx.arena());
    Tensor out = Tensor.zeros(ctx.arena(), in.shape());
    long plane = Tensor.numel(Arrays.copyOfRange(in.shape(), 2, in.rank()));
    long chunks = chunks(plane);
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    long base = in.offset() * 4;
    CpuThreads.forRange(x.dim(0) * (long) c * chunks, CHUNK, (w0, w1) -> {
      for (long w = w0; w < w1; w++) {
        long p = w / chunks;
        int ch = (int) (p % c);
        long at = (p * plane + w % chunks * CHUNK) * 4;
        int n = (int) Math.min(CHUNK, plane - w % chunks * CHUNK);
        affine(src, base + at, dst, at, n, m[ch], a[ch], b[ch]);
      }
    }, src, dst);
    return out;
  }

  static Tensor groupNorm(OpContext ctx, Tensor x, int groups, Tensor scale, Tensor bias, float eps) {
    if (x.rank() < 2 || groups <= 0 || x.dim(1) % groups != 0 || scale != null && !isVector(scale, x.dim(1))
        || bias != null && !isVector(bias, x.dim(1))) {
      return ctx.reference().groupNorm(x, groups, scale, bias, eps);
    }
    int c = x.dim(1); // x [N,C,...], scale and bias [C]
    long plane = Tensor.numel(Arrays.copyOfRange(x.shape(), 2, x.rank()));
    float[] s = scale == null ? null : scale.toArray();
    float[] b = bias == null ? null : bias.toArray();
    // a group is c/groups channels of `plane` values; each channel a run with its own scale and bias
    return normalise(ctx, x, c / groups * plane, plane, (run) -> s == null ? 1 : s[(int) (run % c)],
        (run) -> b == null ? 0 : b[(int) (run % c)], null, null, eps);
  }

  static Tensor layerNorm(OpContext ctx, Tensor x, int axis, Tensor scale, Tensor bias, float eps) {
    if (axis < -x.rank() || axis >= x.rank()) {
      return ctx.reference().layerNorm(x, axis, scale, bias, eps);
    }
    int[] paramShape = x.shape();
    Arrays.fill(paramShape, 0, axis < 0 ? axis + x.rank() : axis, 1);
    float[] s = scale == null ? null : dense(ctx, scale, paramShape);
    float[] b = bias == null ? null : dense(ctx, bias, paramShape);
    if (scale != null && s == null || bias != null && b == null) {
      return ctx.reference().layerNorm(x, axis, scale, bias, eps);
    }
    long span = Tensor.numel(paramShape);
    return normalise(ctx, x, span, span, (run) -> 1, (run) -> 0, s, b, eps);
  }

  /** A per-run constant: the scale or bias of the run-th run of a span. */
  @FunctionalInterface
  private interface RunParameter {
    float of(long run);
  }

  /**
   * x viewed as spans of {@code span} contiguous values, each normalised by its own mean and
   * variance, then scaled and shifted: per run of {@code run} values by a constant, and per
   * position in the span by {@code scale} and {@code bias} where not null.
   */
  private static Tensor normalise(OpContext ctx, Tensor x, long span, long run, RunParameter runScale,
      RunParameter runBias, float[] scale, float[] bias, float eps) {
    Tensor in = x.contiguous(ctx.arena());
    Tensor out = Tensor.zeros(ctx.arena(), in.shape());
    if (span == 0 || in.numel() == 0) {
      return out;
    }
    long spans = in.numel() / span;
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    long base = in.offset() * 4;
    float[] mean = spanSums(src, base, spans, span, null);
    for (int i = 0; i < mean.length; i++) {
      mean[i] /= span;
    }
    float[] inv = spanSums(src, base, spans, span, mean);
    for (int i = 0; i < inv.length; i++) {
      inv[i] = (float) (1 / Math.sqrt((double) (inv[i] / span) + eps));
    }
    // pieces never straddle a run, so each has one run constant
    long pieces = (run + CHUNK - 1) / CHUNK;
    long runs = in.numel() / run;
    CpuThreads.forRange(runs * pieces, CHUNK, (w0, w1) -> {
      for (long w = w0; w < w1; w++) {
        long r = w / pieces;
        long first = r * run + w % pieces * CHUNK;
        int n = (int) Math.min(CHUNK, (r + 1) * run - first);
        int sp = (int) (first / span);
        float a = inv[sp] * runScale.of(r);
        if (scale == null && bias == null) {
          affine(src, base + first * 4, dst, first * 4, n, mean[sp], a, runBias.of(r));
        } else {
          int j = (int) (first % span);
          affineEach(src, base + first * 4, dst, first * 4, n, mean[sp], inv[sp], scale, bias, j);
        }
      }
    }, src, dst);
    return out;
  }

  /**
   * Per span, the sum of its values (mean null) or of their squared deviations from its mean:
   * a partial per chunk in parallel, then the chunks of each span in order.
   */
  private static float[] spanSums(MemorySegment src, long base, long spans, long span, float[] mean) {
    long chunks = chunks(span);
    float[] partial = new float[Math.toIntExact(spans * chunks)];
    CpuThreads.forRange(spans * chunks, CHUNK, (w0, w1) -> {
      float[] lanes = new float[4 * L];
      for (long w = w0; w < w1; w++) {
        long sp = w / chunks;
        long start = w % chunks * CHUNK;
        long at = base + (sp * span + start) * 4;
        int n = (int) Math.min(CHUNK, span - start);
        if (mean == null) {
          CpuPointwise.reduceChunk(Ops.Reduce.SUM, src, at, n, lanes);
        } else {
          squaredDeviations(src, at, n, mean[(int) sp], lanes);
        }
        partial[(int) w] = CpuPointwise.combineInOrder(Ops.Reduce.SUM, lanes, lanes.length);
      }
    }, src);
    float[] sums = new float[(int) spans];
    for (int sp = 0; sp < spans; sp++) {
      float acc = partial[(int) (sp * chunks)];
      for (long k = 1; k < chunks; k++) {
        acc += partial[(int) (sp * chunks + k)];
      }
      sums[sp] = acc;
    }
    return sums;
  }

  /** Sum of (x - mean)^2 over n <= CHUNK floats into the L lanes of {@code lanes} (the rest zero). */
  private static void squaredDeviations(MemorySegment src, long at, int n, float mean, float[] lanes) {
    FloatVector acc = FloatVector.zero(S);
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = load(src, at + i * 4L, m).sub(mean);
      acc = d.fma(d, acc).blend(acc, m.not());
    }
    Arrays.fill(lanes, 0);
    acc.intoArray(lanes, 0);
  }

  /** dst = (x - mean) * a + b over n floats. */
  private static void affine(MemorySegment src, long at, MemorySegment dst, long to, int n, float mean, float a,
      float b) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = load(src, at + i * 4L, m).sub(mean);
      d.fma(a, b).intoMemorySegment(dst, to + i * 4L, NATIVE, m);
    }
  }

  /** dst = (x - mean) * inv * scale[j..] + bias[j..] over n floats; null scale is 1, null bias 0. */
  private static void affineEach(MemorySegment src, long at, MemorySegment dst, long to, int n, float mean, float inv,
      float[] scale, float[] bias, int j) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = load(src, at + i * 4L, m).sub(mean).mul(inv);
      FloatVector s = scale == null ? FloatVector.broadcast(S, 1f) : FloatVector.fromArray(S, scale, j + i, m);
      FloatVector b = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j + i, m);
      d.fma(s, b).intoMemorySegment(dst, to + i * 4L, NATIVE, m);
    }
  }

  /** A layer norm parameter broadcast to the normalised dims, or null where it does not broadcast to them. */
  private static float[] dense(OpContext ctx, Tensor p, int[] paramShape) {
    float[] ones = new float[Math.toIntExact(Tensor.numel(paramShape))];
    Arrays.fill(ones, 1);
    int[] shape = BroadcastPlan.shape(p.shape(), paramShape);
    if (shape == null || !Arrays.equals(shape, paramShape)) {
      return null;
    }
    return CpuPointwise.binary(ctx, Ops.Binary.MUL, p, Tensor.of(ctx.arena(), ones, paramShape)).toArray();
  }

  private static boolean isVector(Tensor t, int c) {
    return t != null && t.rank() == 1 && t.dim(0) == c;
  }

  static Tensor attention(OpContext ctx, Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
    return AttentionKernel.attention(ctx, q, k, v, mask, scale);
  }
}
