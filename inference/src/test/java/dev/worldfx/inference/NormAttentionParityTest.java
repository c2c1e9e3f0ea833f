package dev.worldfx.inference;

import static dev.worldfx.inference.PointwiseTesting.assertShape;
import static dev.worldfx.inference.PointwiseTesting.random;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast norms and attention against the scalar reference (double throughout). Each
 * tolerance is a first-order bound of the fast path's float32 rounding, worked out per element
 * from the data (see the methods computing them); u = 2^-24.
 */
class NormAttentionParityTest {
  private static final double U = 0x1p-24;

  private final Arena arena = Arena.ofShared();
  private final Ops ref = new ReferenceOps(arena);
  private final Ops cpu = new CpuOps(arena);
  private final SplittableRandom seeds = new SplittableRandom(7);

  @AfterEach
  void close() {
    arena.close();
  }

  private Tensor rnd(float lo, float hi, int... shape) {
    return random(arena, seeds.nextLong(), lo, hi, shape);
  }

  /**
   * y = fma(x - m, a, b) with a = scale / sqrt(var + eps) rounded once: x - m, a and the fma round
   * once each, the reference once: |dy| <= 2u (|x - m| |a| + |y|).
   */
  @Test
  void batchNorm() {
    for (int[] shape : new int[][] {{2, 3, 5, 7}, {1, 4}, {2, 5, 1025}, {3, 2, 0, 4}, {1, 3, 17, 1}}) {
      int c = shape[1];
      Tensor x = rnd(-5, 5, shape);
      Tensor scale = rnd(-2, 2, c);
      Tensor bias = rnd(-1, 1, c);
      Tensor mean = rnd(-1, 1, c);
      Tensor var = rnd(0.01f, 3, c);
      float[] e = ref.batchNorm(x, scale, bias, mean, var, 1e-5f).toArray();
      Tensor got = cpu.batchNorm(x, scale, bias, mean, var, 1e-5f);
      assertShape(got, shape);
      float[] a = got.toArray();
      float[] xv = x.toArray();
      long plane = Tensor.numel(Arrays.copyOfRange(shape, 2, shape.length));
      for (int i = 0; i < e.length; i++) {
        int ch = (int) (i / plane % c);
        double gain = scale.getFlat(ch) / Math.sqrt((double) var.getFlat(ch) + 1e-5f);
        double tol = 2 * U * (Math.abs(xv[i] - mean.getFlat(ch)) * Math.abs(gain) + Math.abs(e[i]));
        assertTrue(Math.abs(a[i] - e[i]) <= tol, "batchNorm " + Arrays.toString(shape) + " element " + i + ": " + a[i]
            + " vs " + e[i]);
      }
    }
    Tensor x = rnd(-1, 1, 2, 3, 4);
    assertThrows(IllegalArgumentException.class, () -> cpu.batchNorm(x, rnd(0, 1, 2), rnd(0, 1, 3), rnd(0, 1, 3),
        rnd(0, 1, 3), 1e-5f));
  }

  @Test
  void groupNorm() {
    int[][] shapes = {{2, 6, 5, 7}, {1, 4, 3000}, {2, 4}, {3, 6, 1, 1}, {1, 2, 0}};
    for (int[] shape : shapes) {
      int c = shape[1];
      for (int groups : new int[] {1, 2, c}) {
        for (float offset : new float[] {0, 1000}) {
          Tensor x = ref.binary(Ops.Binary.ADD, rnd(-3, 3, shape), Tensor.of(arena, new float[] {offset}));
          Tensor scale = rnd(-2, 2, c);
          Tensor bias = rnd(-1, 1, c);
          float[] s = scale.toArray();
          float[] b = bias.toArray();
          long plane = Tensor.numel(Arrays.copyOfRange(shape, 2, shape.length));
          assertNorm(x, ref.groupNorm(x, groups, scale, bias, 1e-5f), cpu.groupNorm(x, groups, scale, bias, 1e-5f),
              c / groups * plane, i -> s[(int) (i / plane % c)], i -> b[(int) (i / plane % c)], "groupNorm g=" + groups);
          assertNorm(x, ref.groupNorm(x, groups, null, null, 1e-5f), cpu.groupNorm(x, groups, null, null, 1e-5f),
              c / groups * plane, i -> 1, i -> 0, "groupNorm without affine g=" + groups);
        }
      }
    }
    Tensor x = rnd(-1, 1, 2, 6, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.groupNorm(x, 4, null, null, 0));
    assertTrue(e.getMessage().contains("4 groups"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> cpu.groupNorm(x, 2, rnd(0, 1, 5), null, 0));
  }

  @Test
  void layerNorm() {
    Object[][] cases = {
      {new int[] {4, 33}, -1, new int[] {33}, new int[] {33}},
      {new int[] {2, 3, 5, 7}, 1, new int[] {3, 5, 7}, new int[] {5, 7}},
      {new int[] {2, 3, 5, 7}, -2, new int[] {1, 7}, null},
      {new int[] {2, 3, 5, 7}, 0, null, new int[] {1}},
      {new int[] {3, 2000}, 1, new int[] {2000}, new int[] {2000}},
      {new int[] {6, 1}, -1, new int[] {1}, new int[] {1}},
      {new int[] {5}, 0, null, null},
    };
    for (Object[] c : cases) {
      int[] shape = (int[]) c[0];
      int axis = (Integer) c[1];
      for (float offset : new float[] {0, 1000}) {
        Tensor x = ref.binary(Ops.Binary.ADD, rnd(-3, 3, shape), Tensor.of(arena, new float[] {offset}));
        Tensor scale = c[2] == null ? null : rnd(-2, 2, (int[]) c[2]);
        Tensor bias = c[3] == null ? null : rnd(-1, 1, (int[]) c[3]);
        int a = axis < 0 ? axis + shape.length : axis;
        int[] normShape = shape.clone();
        Arrays.fill(normShape, 0, a, 1);
        long span = Tensor.numel(normShape);
        float[] s = scale == null ? null : ref.binary(Ops.Binary.MUL, scale, ones(normShape)).toArray();
        float[] b = bias == null ? null : ref.binary(Ops.Binary.MUL, bias, ones(normShape)).toArray();
        assertNorm(x, ref.layerNorm(x, axis, scale, bias, 1e-5f), cpu.layerNorm(x, axis, scale, bias, 1e-5f), span,
            i -> s == null ? 1 : s[(int) (i % span)], i -> b == null ? 0 : b[(int) (i % span)],
            "layerNorm " + Arrays.toString(shape) + " axis " + axis);
      }
    }
    Tensor x = rnd(-1, 1, 2, 3);
    assertThrows(IllegalArgumentException.class, () -> cpu.layerNorm(x, -1, rnd(0, 1, 2, 3), null, 0));
    assertThrows(IllegalArgumentException.class, () -> cpu.layerNorm(x, 2, null, null, 0));
  }

  private Tensor ones(int[] shape) {
    float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
    Arrays.fill(v, 1);
    return Tensor.of(arena, v, shape);
  }

  private interface Param {
    double at(long flat);
  }

  /**
   * Spans of {@code span} values normalised then scaled. In float, the mean is off by at most
   * dm = u (m mean|x| + |mean|) (summation bound); the variance, two-pass around that mean, by a
   * relative (m + 3) u, so 1/sigma by half that plus a rounding; the affine step rounds 3 times:
   * |dy| <= |s|/sigma (dm + |x - mean| ((m + 3) u / 2 + 3u)) + 2u |y| + u |b|.
   */
  private void assertNorm(Tensor x, Tensor expected, Tensor actual, long span, Param scale, Param bias, String what) {
    assertShape(actual, expected.shape());
    float[] xv = x.toArray();
    float[] e = expected.toArray();
    float[] a = actual.toArray();
    for (int start = 0; start < xv.length; start += (int) span) {
      double sum = 0;
      double abs = 0;
      for (int i = start; i < start + span; i++) {
        sum += xv[i];
        abs += Math.abs(xv[i]);
      }
      double mean = sum / span;
      double sq = 0;
      for (int i = start; i < start + span; i++) {
        sq += (xv[i] - mean) * (xv[i] - mean);
      }
      double inv = 1 / Math.sqrt(sq / span + 1e-5f);
      double dm = U * (abs + Math.abs(mean));
      for (int i = start; i < start + span; i++) {
        double tol = Math.abs(scale.at(i)) * inv * (dm + Math.abs(xv[i] - mean) * ((span + 3) * U / 2 + 3 * U))
            + 2 * U * Math.abs(e[i]) + U * Math.abs(bias.at(i));
        assertTrue(Math.abs(a[i] - e[i]) <= tol, what + " element " + i + ": " + a[i] + " vs " + e[i] + " (tol " + tol
            + ")");
      }
    }
  }

  /** {q, k, v, mask or null}: heads, broadcast batch dims and masks, Lk across vector lengths, D = 1, empty sizes. */
  private static final int[][][] ATTENTIONS = {
    {{2, 3, 5, 8}, {2, 3, 7, 8}, {2, 3, 7, 6}, null}, {{2, 3, 5, 8}, {2, 3, 7, 8}, {2, 3, 7, 6}, {5, 7}},
    {{2, 3, 5, 8}, {2, 3, 7, 8}, {2, 3, 7, 6}, {2, 1, 1, 7}}, {{2, 1, 4, 8}, {3, 6, 8}, {1, 6, 5}, {4, 1}},
    {{40, 16}, {40, 16}, {40, 16}, null}, {{3, 1}, {33, 1}, {33, 2}, {3, 33}}, {{1, 17, 64}, {1, 130, 64},
        {1, 130, 64}, null}, {{2, 0, 4}, {2, 5, 4}, {2, 5, 3}, null}, {{2, 4}, {0, 4}, {0, 3}, null},
    {{2, 20, 4}, {1, 20, 4}, {1, 20, 4}, {20, 20}},
  };

  @Test
  void attention() {
    for (int[][] c : ATTENTIONS) {
      Tensor q = rnd(-2, 2, c[0]);
      Tensor k = rnd(-2, 2, c[1]);
      Tensor v = rnd(-3, 3, c[2]);
      Tensor mask = c[3] == null ? null : rnd(-4, 0, c[3]);
      for (float scale : new float[] {Float.NaN, 0.3f}) {
        assertAttention(q, k, v, mask, scale);
      }
    }
    Tensor q = rnd(-2, 2, 2, 6, 8);
    Tensor k = rnd(-2, 2, 2, 8, 6).transpose(1, 2); // a view
    Tensor v = rnd(-2, 2, 2, 6, 3);
    float[] m = rnd(-1, 1, 6, 6).toArray();
    for (int i = 0; i < 6; i++) {
      for (int j = i + 1; j < 6; j++) {
        m[i * 6 + j] = Float.NEGATIVE_INFINITY; // causal
      }
    }
    assertAttention(q, k, v, Tensor.of(arena, m, 6, 6), Float.NaN);
    float[] all = new float[6];
    Arrays.fill(all, Float.NEGATIVE_INFINITY);
    float[] fullyMasked = cpu.attention(q, k, v, Tensor.of(arena, all, 6), Float.NaN).toArray();
    assertTrue(Float.isNaN(fullyMasked[0]), "a fully masked row is NaN, as the reference");
    assertThrows(IllegalArgumentException.class, () -> cpu.attention(q, rnd(0, 1, 2, 6, 7), v, null, 1));
    assertThrows(IllegalArgumentException.class, () -> cpu.attention(q, k, v, rnd(0, 1, 3, 6, 6), 1));
  }

  /**
   * Scores s_j = scale q.k_j (+ mask) summed over D in float: |ds_j| <= (D + 2) u |scale| sum|q k_j| + u |s_j|.
   * With e_j = max over keys of ds_j + (|s_j - max| + 3) u (the shift and exp), each weight p_j moves
   * by at most 2e relatively, the sum of Lk terms and the weighted sum of v add (2 Lk + 4) u:
   * |d out| <= sum_j p_j |v_j| (2e + (2 Lk + 4) u).
   */
  private void assertAttention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
    String what = "attention q " + q + " k " + k + " v " + v + " mask " + mask + " scale " + scale;
    Tensor expected = ref.attention(q, k, v, mask, scale);
    Tensor actual = cpu.attention(q, k, v, mask, scale);
    assertShape(actual, expected.shape());
    int lq = q.dim(-2);
    int d = q.dim(-1);
    int lk = k.dim(-2);
    int dv = v.dim(-1);
    double s = Float.isNaN(scale) ? 1 / Math.sqrt(d) : scale;
    int[] batch = Arrays.copyOf(expected.shape(), expected.rank() - 2);
    float[] qv = expand(q, batch, lq, d);
    float[] kv = expand(k, batch, lk, d);
    float[] vv = expand(v, batch, lk, dv);
    float[] mv = mask == null ? null : expand(mask, batch, lq, lk);
    float[] e = expected.toArray();
    float[] a = actual.toArray();
    long batches = Tensor.numel(batch);
    for (int bi = 0; bi < batches; bi++) {
      for (int i = 0; i < lq; i++) {
        double[] sc = new double[lk];
        double max = Double.NEGATIVE_INFINITY;
        double err = 0;
        for (int j = 0; j < lk; j++) {
          double dot = 0;
          double abs = 0;
          for (int x = 0; x < d; x++) {
            double t = (double) qv[(bi * lq + i) * d + x] * kv[(bi * lk + j) * d + x];
            dot += t;
            abs += Math.abs(t);
          }
          sc[j] = dot * s + (mv == null ? 0 : mv[(bi * lq + i) * lk + j]);
          max = Math.max(max, sc[j]);
          err = Math.max(err, (d + 2) * U * Math.abs(s) * abs + U * Math.abs(sc[j]));
        }
        double sum = 0;
        double shift = 0;
        for (int j = 0; j < lk; j++) {
          sum += Math.exp(sc[j] - max);
          shift = Math.max(shift, (Math.abs(sc[j] - max) + 3) * U);
        }
        for (int x = 0; x < dv; x++) {
          double weighted = 0;
          for (int j = 0; j < lk; j++) {
            weighted += Math.exp(sc[j] - max) / sum * Math.abs(vv[(bi * lk + j) * dv + x]);
          }
          double tol = weighted * (2 * (err + shift) + (2 * lk + 4) * U) + Float.MIN_VALUE;
          int o = (bi * lq + i) * dv + x;
          assertTrue(Math.abs(a[o] - e[o]) <= tol, what + " output " + o + ": " + a[o] + " vs " + e[o] + " (tol " + tol
              + ")");
        }
      }
    }
  }

  /** t broadcast to [batch..., rows, cols], row-major. */
  private float[] expand(Tensor t, int[] batch, int rows, int cols) {
    int[] full = Arrays.copyOf(batch, batch.length + 2);
    full[batch.length] = rows;
    full[batch.length + 1] = cols;
    return ref.binary(Ops.Binary.MUL, t, ones(full)).toArray();
  }
}
