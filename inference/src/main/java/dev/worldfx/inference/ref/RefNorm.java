package dev.worldfx.inference.ref;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Tensor;
import java.util.Arrays;

/**
 * Scalar reference of the normalisations and of attention, in double. Variances are two-pass
 * (mean first, then the mean of squared deviations), never E[x^2] - E[x]^2, which cancels
 * catastrophically when the mean is large against the spread.
 */
final class RefNorm {
  private RefNorm() {}

  static Tensor batchNorm(OpContext ctx, Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, float eps) {
    int[] shape = requireChannels("batchNorm", x);
    int c = shape[1];
    float[] s = vector("batchNorm scale", scale, c);
    float[] b = vector("batchNorm bias", bias, c);
    float[] m = vector("batchNorm mean", mean, c);
    float[] va = vector("batchNorm var", var, c);
    long spatial = Tensor.numel(Arrays.copyOfRange(shape, 2, shape.length));
    float[] v = x.toArray();
    for (int i = 0; i < v.length; i++) {
      int ch = (int) (i / spatial % c);
      v[i] = (float) (((double) v[i] - m[ch]) / Math.sqrt((double) va[ch] + eps) * s[ch] + b[ch]);
    }
    return Tensor.of(ctx.arena(), v, shape);
  }

  static Tensor groupNorm(OpContext ctx, Tensor x, int groups, Tensor scale, Tensor bias, float eps) {
    int[] shape = requireChannels("groupNorm", x);
    int c = shape[1];
    if (groups <= 0 || c % groups != 0) {
      throw new IllegalArgumentException("groupNorm: " + c + " channels do not split into " + groups + " groups");
    }
    float[] s = scale == null ? null : vector("groupNorm scale", scale, c);
    float[] b = bias == null ? null : vector("groupNorm bias", bias, c);
    int spatial = Math.toIntExact(Tensor.numel(Arrays.copyOfRange(shape, 2, shape.length)));
    int groupSize = c / groups * spatial;
    float[] v = x.toArray();
    // [N,C,...] in row-major order is N*groups consecutive blocks of groupSize values
    for (int start = 0; start < v.length; start += groupSize) {
      normalise(v, start, groupSize, eps);
      for (int i = start; i < start + groupSize; i++) {
        int ch = i / spatial % c;
        v[i] = (float) (v[i] * (s == null ? 1 : s[ch]) + (b == null ? 0 : b[ch]));
      }
    }
    return Tensor.of(ctx.arena(), v, shape);
  }

  static Tensor layerNorm(OpContext ctx, Tensor x, int axis, Tensor scale, Tensor bias, float eps) {
    int[] shape = x.shape();
    int a = RefPointwise.axis(axis, shape.length);
    // scale and bias broadcast over the normalised dims only: [1,...,1, D_axis, ..., D_last]
    int[] paramShape = shape.clone();
    Arrays.fill(paramShape, 0, a, 1);
    float[] s = scale == null ? null : parameter("layerNorm scale", scale, paramShape);
    float[] b = bias == null ? null : parameter("layerNorm bias", bias, paramShape);
    int n = Math.toIntExact(Tensor.numel(paramShape));
    float[] v = x.toArray();
    for (int start = 0; start < v.length; start += n) {
      normalise(v, start, n, eps);
      for (int j = 0; j < n; j++) {
        v[start + j] = (float) (v[start + j] * (s == null ? 1 : s[j]) + (b == null ? 0 : b[j]));
      }
    }
    return Tensor.of(ctx.arena(), v, shape);
  }

  /** v[start, start+n) := (v - mean) / sqrt(var + eps), with a two-pass variance in double. */
  private static void normalise(float[] v, int start, int n, float eps) {
    double sum = 0;
    for (int i = start; i < start + n; i++) {
      sum += v[i];
    }
    double mean = sum / n;
    double sq = 0;
    for (int i = start; i < start + n; i++) {
      sq += (v[i] - mean) * (v[i] - mean);
    }
    double inv = 1 / Math.sqrt(sq / n + eps);
    for (int i = start; i < start + n; i++) {
      v[i] = (float) ((v[i] - mean) * inv);
    }
  }

  /**
   * softmax(q k^T * scale + mask) v per batch entry, batch dims of q, k, v broadcast. A query
   * row whose scores are all -inf (fully masked) is NaN, as softmax; Lk = 0 gives zeros (an
   * empty weighted sum).
   */
  static Tensor attention(OpContext ctx, Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
    for (Tensor t : new Tensor[] {q, k, v}) {
      if (t.rank() < 2) {
        throw new IllegalArgumentException("attention: q, k, v need rank >= 2, got " + t);
      }
    }
    int lq = q.dim(-2);
    int d = q.dim(-1);
    int lk = k.dim(-2);
    int dv = v.dim(-1);
    if (k.dim(-1) != d || v.dim(-2) != lk) {
      throw new IllegalArgumentException("attention: q " + q + ", k " + k + ", v " + v
          + " do not fit [...,Lq,D], [...,Lk,D], [...,Lk,Dv]");
    }
    if (d == 0 && Float.isNaN(scale)) {
      throw new IllegalArgumentException("attention: the default scale 1/sqrt(D) needs D > 0");
    }
    int[] batch = Broadcast.shape(Broadcast.shape(lead(q), lead(k)), lead(v));
    float[] qv = Broadcast.expand(q, with(batch, lq, d));
    float[] kv = Broadcast.expand(k, with(batch, lk, d));
    float[] vv = Broadcast.expand(v, with(batch, lk, dv));
    float[] mv = mask == null ? null : Broadcast.expand(mask, with(batch, lq, lk));
    double s = Float.isNaN(scale) ? 1 / Math.sqrt(d) : scale;
    long batches = Tensor.numel(batch);
    float[] out = new float[Math.toIntExact(batches * lq * dv)];
    double[] p = new double[lk];
    for (int bi = 0; bi < batches; bi++) {
      for (int i = 0; i < lq; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < lk; j++) {
          double dot = 0;
          for (int e = 0; e < d; e++) {
            dot += (double) qv[(bi * lq + i) * d + e] * kv[(bi * lk + j) * d + e];
          }
          p[j] = dot * s + (mv == null ? 0 : mv[(bi * lq + i) * lk + j]);
          max = Math.max(max, p[j]);
        }
        double sum = 0;
        for (int j = 0; j < lk; j++) {
          p[j] = Math.exp(p[j] - max);
          sum += p[j];
        }
        for (int e = 0; e < dv; e++) {
          double acc = 0;
          for (int j = 0; j < lk; j++) {
            acc += p[j] * vv[(bi * lk + j) * dv + e];
          }
          out[(bi * lq + i) * dv + e] = lk == 0 ? 0 : (float) (acc / sum);
        }
      }
    }
    return Tensor.of(ctx.arena(), out, with(batch, lq, dv));
  }

  private static int[] lead(Tensor t) {
    return Arrays.copyOf(t.shape(), t.rank() - 2);
  }

  private static int[] with(int[] batch, int rows, int cols) {
    int[] s = Arrays.copyOf(batch, batch.length + 2);
    s[batch.length] = rows;
    s[batch.length + 1] = cols;
    return s;
  }

  /** x [N,C,...]: its shape, after checking the rank. */
  private static int[] requireChannels(String op, Tensor x) {
    if (x.rank() < 2) {
      throw new IllegalArgumentException(op + " needs x [N,C,...], got " + x);
    }
    return x.shape();
  }

  /** A per-channel parameter [C] as an array. */
  private static float[] vector(String name, Tensor t, int c) {
    if (t == null || t.rank() != 1 || t.dim(0) != c) {
      throw new IllegalArgumentException(name + " must be [" + c + "], got " + t);
    }
    return t.toArray();
  }

  private static float[] parameter(String name, Tensor t, int[] target) {
    if (!Broadcast.reaches(t.shape(), target)) {
      throw new IllegalArgumentException(name + " " + t + " does not broadcast to the normalised dims "
          + Arrays.toString(target));
    }
    return Broadcast.expand(t, target);
  }
}
