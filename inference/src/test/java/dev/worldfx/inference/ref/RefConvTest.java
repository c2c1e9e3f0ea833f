package dev.worldfx.inference.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The conv references against hand-worked values, the transposed conv against an independent
 * formula (zero-insertion upsampling + flipped kernel + forward conv), and both backward ops against
 * their definition as adjoints of conv2d.
 */
class RefConvTest {
  private final Arena arena = Arena.ofConfined();
  private final Ops ops = new ReferenceOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  private Tensor t(float[] v, int... shape) {
    return Tensor.of(arena, v, shape);
  }

  private static float[] iota(int n, int from) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = from + i;
    }
    return v;
  }

  private static Conv2dParams params(int sh, int sw, int pt, int pl, int pb, int pr, int dh, int dw, int g, int oph,
      int opw) {
    return new Conv2dParams(sh, sw, pt, pl, pb, pr, dh, dw, g, oph, opw);
  }

  @Test
  void diagonalDifferenceWithBias() {
    // x = 1..9 in 3x3, w = [[1,0],[0,-1]]: y = x[i,j] - x[i+1,j+1] = -4 everywhere, + bias 0.5
    Tensor y = ops.conv2d(t(iota(9, 1), 1, 1, 3, 3), t(new float[] {1, 0, 0, -1}, 1, 1, 2, 2), t(new float[] {0.5f}, 1),
        Conv2dParams.of(1, 0));
    assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
    assertArrayEquals(new float[] {-3.5f, -3.5f, -3.5f, -3.5f}, y.toArray());
  }

  @Test
  void strideTwoWithZeroPadding() {
    // 3x3 box filter over x = 1..9 padded by 1, stride 2: windows centred on the corners.
    float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    Tensor y = ops.conv2d(t(iota(9, 1), 1, 1, 3, 3), t(ones, 1, 1, 3, 3), null, Conv2dParams.of(2, 1));
    assertArrayEquals(new float[] {12, 16, 24, 28}, y.toArray());
  }

  @Test
  void dilationSpreadsTheTaps() {
    // x[r,c] = 5r + c in 5x5, 2x2 ones with dilation 2: y[i,j] = x[i,j]+x[i,j+2]+x[i+2,j]+x[i+2,j+2] = 20i + 4j + 24
    Tensor y = ops.conv2d(t(iota(25, 0), 1, 1, 5, 5), t(new float[] {1, 1, 1, 1}, 1, 1, 2, 2), null,
        Conv2dParams.of(1, 0).withDilation(2, 2));
    float[] expect = new float[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        expect[i * 3 + j] = 20 * i + 4 * j + 24;
      }
    }
    assertArrayEquals(expect, y.toArray());
  }

  @Test
  void asymmetricPadsAndStrides() {
    // 1x1 kernel (x2) with pads top 1, left 0, bottom 0, right 2: x [[1,2],[3,4]] lands at rows 1..2, cols 0..1.
    Tensor y = ops.conv2d(t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2), t(new float[] {2}, 1, 1, 1, 1), null,
        params(1, 1, 1, 0, 0, 2, 1, 1, 1, 0, 0));
    assertArrayEquals(new int[] {1, 1, 3, 4}, y.shape());
    assertArrayEquals(new float[] {0, 0, 0, 0, 2, 4, 0, 0, 6, 8, 0, 0}, y.toArray());
    // Strides 1 down, 2 across: x = 1..12 in 3x4, 1x1 kernel -> columns 0 and 2.
    Tensor s = ops.conv2d(t(iota(12, 1), 1, 1, 3, 4), t(new float[] {1}, 1, 1, 1, 1), null,
        params(1, 2, 0, 0, 0, 0, 1, 1, 1, 0, 0));
    assertArrayEquals(new float[] {1, 3, 5, 7, 9, 11}, s.toArray());
  }

  @Test
  void groupsSeeOnlyTheirChannels() {
    // C=4, O=2, groups=2: out0 = x0 + 2 x1, out1 = 3 x2 + 4 x3 (1x1 spatial, 1x1 kernel), biases 10, 20.
    Tensor y = ops.conv2d(t(new float[] {1, 2, 3, 4}, 1, 4, 1, 1), t(new float[] {1, 2, 3, 4}, 2, 2, 1, 1),
        t(new float[] {10, 20}, 2), Conv2dParams.of(1, 0).withGroups(2));
    assertArrayEquals(new float[] {1 + 4 + 10, 9 + 16 + 20}, y.toArray());
  }

  @Test
  void depthwiseWithChannelMultiplier() {
    // C=2, groups=2, O=4 (two filters per channel), 2x2 input, 1x2 kernel: each output row is w0*x[.,0] + w1*x[.,1].
    Tensor x = t(new float[] {1, 2, 3, 4, /* c1 */ 10, 20, 30, 40}, 1, 2, 2, 2);
    Tensor w = t(new float[] {1, 1, /* */ 1, -1, /* */ 0, 1, /* */ 2, 0}, 4, 1, 1, 2);
    Tensor y = ops.conv2d(x, w, null, Conv2dParams.of(1, 0).withGroups(2));
    assertArrayEquals(new int[] {1, 4, 2, 1}, y.shape());
    assertArrayEquals(new float[] {3, 7, -1, -1, 20, 40, 20, 60}, y.toArray());
  }

  @Test
  void batchesAreIndependent() {
    Tensor y = ops.conv2d(t(new float[] {1, 2, 3, 4}, 2, 2, 1, 1), t(new float[] {1, 10}, 1, 2, 1, 1), null,
        Conv2dParams.of(1, 0));
    assertArrayEquals(new float[] {21, 43}, y.toArray());
  }

  @Test
  void emptyBatchGivesEmptyOutput() {
    Tensor y = ops.conv2d(Tensor.zeros(arena, 0, 2, 4, 4), Tensor.zeros(arena, 3, 2, 3, 3), null, Conv2dParams.of(1, 1));
    assertArrayEquals(new int[] {0, 3, 4, 4}, y.shape());
  }

  @Test
  void transposedConvScattersEachPixel() {
    Tensor x = t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    Tensor ones = t(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
    // stride 1: overlapping 2x2 stamps.
    assertArrayEquals(new float[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, ops.convTranspose2d(x, ones, null, Conv2dParams.of(1, 0))
        .toArray());
    // stride 2: each pixel becomes a 2x2 block; output padding adds a zero (+bias) row and column.
    Tensor up = ops.convTranspose2d(x, ones, t(new float[] {0.5f}, 1), params(2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 1));
    assertArrayEquals(new int[] {1, 1, 5, 5}, up.shape());
    float[] e = new float[25];
    for (int r = 0; r < 5; r++) {
      for (int c = 0; c < 5; c++) {
        e[r * 5 + c] = (r < 4 && c < 4 ? new float[] {1, 2, 3, 4}[(r / 2) * 2 + c / 2] : 0) + 0.5f;
      }
    }
    assertArrayEquals(e, up.toArray());
    // pads crop the full output: the 3x3 stamp sum above cropped by 1 on each side.
    assertArrayEquals(new float[] {10}, ops.convTranspose2d(x, ones, null, Conv2dParams.of(1, 1)).toArray());
  }

  @Test
  void transposedConvWithGroups() {
    // C=2, groups=2, O/g=2: channel c stamps w[c, j] into output channel 2c + j.
    Tensor y = ops.convTranspose2d(t(new float[] {1, 2}, 1, 2, 1, 1), t(new float[] {3, 4, 5, 6}, 2, 2, 1, 1), null,
        Conv2dParams.of(1, 0).withGroups(2));
    assertArrayEquals(new int[] {1, 4, 1, 1}, y.shape());
    assertArrayEquals(new float[] {3, 4, 10, 12}, y.toArray());
  }

  /**
   * Independent formula for the transposed conv: insert stride-1 zeros between input pixels, pad by
   * dilation*(k-1) - pad (plus output padding at the end), and run the forward conv with the kernel
   * flipped and its channel axes swapped.
   */
  @Test
  void transposedConvEqualsConvOfZeroInsertedInput() {
    Random rnd = new Random(3);
    int[][] cases = { // N, C, H, W, O, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, g, oph, opw
        {1, 2, 3, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        {2, 4, 3, 3, 2, 2, 3, 1, 2, 0, 1, 1, 0, 2, 1, 2, 0, 1},
        {1, 3, 4, 2, 6, 3, 2, 3, 1, 2, 0, 0, 1, 1, 1, 3, 2, 0},
        {1, 2, 2, 3, 2, 2, 2, 2, 3, 0, 0, 0, 0, 2, 2, 1, 1, 2}};
    for (int[] k : cases) {
      int n = k[0], c = k[1], h = k[2], w = k[3], o = k[4], kh = k[5], kw = k[6], sh = k[7], sw = k[8];
      Conv2dParams p = params(sh, sw, k[9], k[10], k[11], k[12], k[13], k[14], k[15], k[16], k[17]);
      int g = p.groups();
      Tensor x = random(rnd, n, c, h, w);
      Tensor wt = random(rnd, c, o / g, kh, kw);
      Tensor bias = random(rnd, o);
      Tensor actual = ops.convTranspose2d(x, wt, bias, p);

      int hz = (h - 1) * sh + 1;
      int wz = (w - 1) * sw + 1;
      Tensor xz = Tensor.zeros(arena, n, c, hz, wz);
      for (int i = 0; i < n; i++) {
        for (int ch = 0; ch < c; ch++) {
          for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
              xz.set(x.get(i, ch, y, xx), i, ch, y * sh, xx * sw);
            }
          }
        }
      }
      int cg = c / g;
      int og = o / g;
      Tensor wf = Tensor.zeros(arena, o, cg, kh, kw);
      for (int gi = 0; gi < g; gi++) {
        for (int oj = 0; oj < og; oj++) {
          for (int ci = 0; ci < cg; ci++) {
            for (int ky = 0; ky < kh; ky++) {
              for (int kx = 0; kx < kw; kx++) {
                wf.set(wt.get(gi * cg + ci, oj, kh - 1 - ky, kw - 1 - kx), gi * og + oj, ci, ky, kx);
              }
            }
          }
        }
      }
      int eh = p.dilationH() * (kh - 1);
      int ew = p.dilationW() * (kw - 1);
      Conv2dParams fp = params(1, 1, eh - p.padTop(), ew - p.padLeft(), eh - p.padBottom() + p.outputPadH(),
          ew - p.padRight() + p.outputPadW(), p.dilationH(), p.dilationW(), g, 0, 0);
      Tensor expect = ops.conv2d(xz, wf, bias, fp);
      assertArrayEquals(expect.shape(), actual.shape());
      assertArrayEquals(expect.toArray(), actual.toArray(), 1e-5f);
    }
  }

  /** Geometries covering groups, depthwise, stride, dilation and asymmetric pads. */
  private static final int[][] GEOMETRIES = { // N, C, H, W, O, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, g
      {1, 3, 5, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
      {2, 4, 7, 5, 6, 3, 2, 2, 1, 0, 1, 2, 0, 1, 2, 2},
      {1, 3, 6, 6, 3, 3, 3, 2, 2, 1, 2, 0, 1, 1, 1, 3},
      {1, 2, 5, 7, 4, 2, 3, 1, 3, 2, 0, 1, 1, 2, 1, 2},
      {2, 1, 4, 4, 2, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1}};

  private static Conv2dParams paramsOf(int[] k) {
    return params(k[7], k[8], k[9], k[10], k[11], k[12], k[13], k[14], k[15], 0, 0);
  }

  /** <conv2d(x, w), g> == <x, backwardInput(g, w)> == <w, backwardWeight(x, g)> for random tensors. */
  @Test
  void backwardOpsAreTheAdjointsOfConv2d() {
    Random rnd = new Random(11);
    for (int[] k : GEOMETRIES) {
      Conv2dParams p = paramsOf(k);
      Tensor x = random(rnd, k[0], k[1], k[2], k[3]);
      Tensor w = random(rnd, k[4], k[1] / k[15], k[5], k[6]);
      Tensor y = ops.conv2d(x, w, null, p);
      Tensor g = random(rnd, y.shape());
      Tensor dx = ops.conv2dBackwardInput(g, w, x.shape(), p);
      Tensor dw = ops.conv2dBackwardWeight(x, g, w.shape(), p);
      // The reference sums in double and rounds each output once (relative error <= 2^-24), and the
      // dot products run in double, so each side is off the exact value by at most 2^-24 * sum |terms|.
      double u = 0x1p-24;
      assertEquals(dot(y, g), dot(x, dx), 2 * u * (absDot(y, g) + absDot(x, dx)));
      assertEquals(dot(y, g), dot(w, dw), 2 * u * (absDot(y, g) + absDot(w, dw)));
    }
  }

  /** Brute force: dx[i] = <conv2d(e_i, w), g> and dw[j] = <conv2d(x, e_j), g> for unit tensors e. */
  @Test
  void backwardOpsMatchTheirDefinitionElementByElement() {
    Random rnd = new Random(5);
    int[] k = GEOMETRIES[1];
    Conv2dParams p = paramsOf(k);
    Tensor x = random(rnd, k[0], k[1], k[2], k[3]);
    Tensor w = random(rnd, k[4], k[1] / k[15], k[5], k[6]);
    Tensor g = random(rnd, ops.conv2d(x, w, null, p).shape());
    Tensor dx = ops.conv2dBackwardInput(g, w, x.shape(), p);
    for (int i = 0; i < x.numel(); i++) {
      Tensor e = Tensor.zeros(arena, x.shape());
      e.setFlat(i, 1);
      // Both sides are the same few products, summed in double and rounded once to float.
      assertEquals(dot(ops.conv2d(e, w, null, p), g), dx.getFlat(i), 1e-6);
    }
    Tensor dw = ops.conv2dBackwardWeight(x, g, w.shape(), p);
    for (int j = 0; j < w.numel(); j++) {
      Tensor e = Tensor.zeros(arena, w.shape());
      e.setFlat(j, 1);
      assertEquals(dot(ops.conv2d(x, e, null, p), g), dw.getFlat(j), 1e-6);
    }
  }

  @Test
  void rejectsBadArguments() {
    Tensor x = Tensor.zeros(arena, 1, 4, 5, 5);
    Conv2dParams p = Conv2dParams.of(1, 1);
    assertThrows(IllegalArgumentException.class, () -> ops.conv2d(x, Tensor.zeros(arena, 2, 3, 3, 3), null, p));
    assertThrows(IllegalArgumentException.class,
        () -> ops.conv2d(x, Tensor.zeros(arena, 3, 2, 3, 3), null, p.withGroups(2))); // O=3 not divisible
    assertThrows(IllegalArgumentException.class,
        () -> ops.conv2d(x, Tensor.zeros(arena, 2, 4, 3, 3), Tensor.zeros(arena, 3), p)); // bias [3] for O=2
    assertThrows(IllegalArgumentException.class, () -> ops.conv2d(x, Tensor.zeros(arena, 2, 4, 9, 9), null, p));
    assertThrows(IllegalArgumentException.class,
        () -> ops.conv2d(x, Tensor.zeros(arena, 2, 4, 3, 3), null, new Conv2dParams(0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0)));
    assertThrows(IllegalArgumentException.class,
        () -> ops.convTranspose2d(x, Tensor.zeros(arena, 4, 2, 3, 3), null, new Conv2dParams(2, 2, 0, 0, 0, 0, 1, 1, 1, 2, 0)));
    assertThrows(IllegalArgumentException.class,
        () -> ops.conv2dBackwardInput(Tensor.zeros(arena, 1, 2, 4, 4), Tensor.zeros(arena, 2, 4, 3, 3), x.shape(), p));
    assertThrows(IllegalArgumentException.class,
        () -> ops.conv2dBackwardWeight(x, Tensor.zeros(arena, 1, 2, 5, 5), new int[] {2, 4, 3}, p));
  }

  private Tensor random(Random rnd, int... shape) {
    Tensor t = Tensor.zeros(arena, shape);
    for (long i = 0; i < t.numel(); i++) {
      t.setFlat(i, rnd.nextFloat() * 2 - 1);
    }
    return t;
  }

  private static double absDot(Tensor a, Tensor b) {
    double s = 0;
    for (long i = 0; i < a.numel(); i++) {
      s += Math.abs((double) a.getFlat(i) * b.getFlat(i));
    }
    return s;
  }

  private static double dot(Tensor a, Tensor b) {
    assertArrayEquals(a.shape(), b.shape());
    double s = 0;
    for (long i = 0; i < a.numel(); i++) {
      s += (double) a.getFlat(i) * b.getFlat(i);
    }
    return s;
  }
}
