package dev.worldfx.inference.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.GridMode;
import dev.worldfx.inference.Ops.GridPadding;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The grid-sample, grid-sample-backward and warp references: identity grids and flows (bit-exact), values worked by
 * hand from the torch.nn.functional.grid_sample definitions (unnormalisation, border clamp, reflection, round half to
 * even, Keys' cubic with per-tap padding), the backward against central differences of the forward and, for dx,
 * against its definition as the adjoint of sampling.
 */
class RefGridSampleTest {
  private static final float U = Math.ulp(1f) / 2; // float32 unit roundoff
  private final Arena arena = Arena.ofConfined();
  private final Ops ops = new ReferenceOps(arena);
  private final Random rng = new Random(7);

  @AfterEach
  void close() {
    arena.close();
  }

  private Tensor t(float[] v, int... shape) {
    return Tensor.of(arena, v, shape);
  }

  private Tensor random(int... shape) {
    float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rng.nextGaussian() + 0.1); // no zeros, so no -0 vs +0 question in exact comparisons
    }
    return t(v, shape);
  }

  /** The grid that samples every pixel centre of an h x w image. */
  private Tensor identityGrid(int n, int h, int w, boolean alignCorners) {
    float[] g = new float[n * h * w * 2];
    for (int i = 0; i < g.length; i += 2) {
      int x = i / 2 % w;
      int y = i / 2 / w % h;
      g[i] = alignCorners ? 2f * x / (w - 1) - 1 : (2f * x + 1) / w - 1;
      g[i + 1] = alignCorners ? 2f * y / (h - 1) - 1 : (2f * y + 1) / h - 1;
    }
    return t(g, n, h, w, 2);
  }

  @Test
  void identityGridsReproduceTheImageExactly() {
    // sizes where the identity grid and its unnormalisation are exact in float: w - 1, h - 1 powers of two when
    // aligned, w, h powers of two when not
    for (boolean align : new boolean[] {true, false}) {
      int h = align ? 3 : 2;
      int w = align ? 5 : 8;
      Tensor x = random(2, 3, h, w);
      for (GridMode mode : GridMode.values()) {
        for (GridPadding padding : GridPadding.values()) {
          Tensor y = ops.gridSample(x, identityGrid(2, h, w, align), mode, padding, align);
          assertArrayEquals(x.toArray(), y.toArray(), mode + " " + padding + " align " + align);
        }
      }
    }
  }

  @Test
  void bilinearAtTheCentreAndOutsideACorner() {
    Tensor x = t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    Tensor centre = t(new float[] {0, 0}, 1, 1, 1, 2);
    Tensor corner = t(new float[] {-1, -1}, 1, 1, 1, 2);
    for (GridPadding p : GridPadding.values()) {
      assertArrayEquals(new float[] {2.5f}, ops.gridSample(x, centre, GridMode.BILINEAR, p, false).toArray());
      // aligned, -1 is the first pixel centre
      assertArrayEquals(new float[] {1}, ops.gridSample(x, corner, GridMode.BILINEAR, p, true).toArray());
    }
    // not aligned, -1 is the outer edge: pixel (-0.5, -0.5). Zeros: only the inside tap (0, 0) with weight 1/4.
    assertArrayEquals(new float[] {0.25f}, ops.gridSample(x, corner, GridMode.BILINEAR, GridPadding.ZEROS, false).toArray());
    assertArrayEquals(new float[] {1}, ops.gridSample(x, corner, GridMode.BILINEAR, GridPadding.BORDER, false).toArray());
    // reflection about -0.5 maps -0.5 to itself, then the clamp takes it to 0
    assertArrayEquals(new float[] {1}, ops.gridSample(x, corner, GridMode.BILINEAR, GridPadding.REFLECTION, false).toArray());
  }

  private float[] sampleRow(float[] row, float[] gx, GridMode mode, GridPadding padding, boolean align) {
    // a one-row image; gy = 0 lands on row 0 both aligned (size 1 unnormalises to 0) and not (x = 0 / 2)
    float[] g = new float[gx.length * 2];
    for (int i = 0; i < gx.length; i++) {
      g[2 * i] = gx[i];
    }
    return ops.gridSample(t(row, 1, 1, 1, row.length), t(g, 1, 1, gx.length, 2), mode, padding, align).toArray();
  }

  @Test
  void reflectionAndBorderBeyondTheEdges() {
    float[] row = {1, 2, 3, 4};
    // aligned: pixel = (g + 1) / 2 * 3. g = 2 -> 4.5, mirrored about 3 -> 1.5; g = -2 -> -1.5, mirrored about 0 -> 1.5
    assertArrayEquals(new float[] {2.5f, 2.5f}, sampleRow(row, new float[] {2, -2}, GridMode.BILINEAR, GridPadding.REFLECTION, true));
    assertArrayEquals(new float[] {4, 1}, sampleRow(row, new float[] {2, -2}, GridMode.BILINEAR, GridPadding.BORDER, true));
    assertArrayEquals(new float[] {0, 0}, sampleRow(row, new float[] {2, -2}, GridMode.BILINEAR, GridPadding.ZEROS, true));
    // not aligned: pixel = ((g + 1) * 4 - 1) / 2, mirrors at -0.5 and 3.5. g = 2.5 -> 6.5 -> 0.5; g = 1.125 -> 3.75
    // -> 3.25, clamped to 3; g = 3.375 -> 8.25, two flips (period 8) -> 0.25
    assertArrayEquals(new float[] {1.5f, 4, 1.25f},
        sampleRow(row, new float[] {2.5f, 1.125f, 3.375f}, GridMode.BILINEAR, GridPadding.REFLECTION, false));
  }

  @Test
  void nearestRoundsHalfToEven() {
    // not aligned on 4 pixels: g = -1, -0.5, 0, 0.5 -> pixel -0.5, 0.5, 1.5, 2.5 -> -0 (inside), 0, 2, 2
    assertArrayEquals(new float[] {1, 1, 3, 3},
        sampleRow(new float[] {1, 2, 3, 4}, new float[] {-1, -0.5f, 0, 0.5f}, GridMode.NEAREST, GridPadding.ZEROS, false));
  }

  @Test
  void bicubicPadsEachTap() {
    float[] row = {1, 2, 4, 8};
    float a = -3f / 32; // Keys' weights at t = 1/2 with A = -0.75: (a, b, b, a)
    float b = 19f / 32;
    // not aligned, g = 0 -> pixel 1.5: taps 0..3
    assertArrayEquals(new float[] {a + 2 * b + 4 * b + 8 * a},
        sampleRow(row, new float[] {0}, GridMode.BICUBIC, GridPadding.ZEROS, false));
    // g = -1 -> pixel -0.5: taps -2, -1, 0, 1
    float[] g = {-1};
    assertArrayEquals(new float[] {b * 1 + a * 2}, sampleRow(row, g, GridMode.BICUBIC, GridPadding.ZEROS, false));
    assertArrayEquals(new float[] {a + b + b + a * 2}, sampleRow(row, g, GridMode.BICUBIC, GridPadding.BORDER, false));
    // reflection about -0.5: tap -1 -> 0, tap -2 -> 1
    assertArrayEquals(new float[] {a * 2 + b + b + a * 2}, sampleRow(row, g, GridMode.BICUBIC, GridPadding.REFLECTION, false));
    // aligned, g = -2 -> pixel -1.5: taps -3..0 reflect about 0 to 3, 2, 1, 0
    assertArrayEquals(new float[] {a * 8 + b * 4 + b * 2 + a * 1},
        sampleRow(row, new float[] {-2}, GridMode.BICUBIC, GridPadding.REFLECTION, true));
  }

  @Test
  void eachBatchUsesItsOwnGrid() {
    Tensor x = t(new float[] {1, 2, 3, 4, /* n = 1 */ 10, 20, 30, 40}, 2, 1, 2, 2);
    Tensor grid = t(new float[] {-1, -1, /* n = 1 */ 1, 1}, 2, 1, 1, 2);
    assertArrayEquals(new float[] {1, 40}, ops.gridSample(x, grid, GridMode.BILINEAR, GridPadding.ZEROS, true).toArray());
  }

  @Test
  void backwardByHand() {
    // one row [a, b] = [2, 6], not aligned, pixel x = 0.25 (g = -0.25), y = 0 (g = 0): out = 0.75 a + 0.25 b = 3.
    // d out / d gx = (b - a) * (w / 2) = 4; moving down blends towards the zero row below: d out / d gy = -out * h / 2.
    Tensor x = t(new float[] {2, 6}, 1, 1, 1, 2);
    Tensor grid = t(new float[] {-0.25f, 0}, 1, 1, 1, 2);
    assertArrayEquals(new float[] {3}, ops.gridSample(x, grid, GridMode.BILINEAR, GridPadding.ZEROS, false).toArray());
    Tensor[] d = ops.gridSampleBackward(t(new float[] {1}, 1, 1, 1, 1), x, grid, GridPadding.ZEROS, false);
    assertArrayEquals(new float[] {0.75f, 0.25f}, d[0].toArray());
    assertArrayEquals(new float[] {4, -1.5f}, d[1].toArray());
  }

  /** Random grid points at least 0.06 pixels from every multiple of 1/2, where bilinear, clamps and mirrors kink. */
  private Tensor smoothGrid(int n, int ho, int wo, int h, int w, boolean align) {
    float[] g = new float[n * ho * wo * 2];
    for (int i = 0; i < g.length; i++) {
      int size = i % 2 == 0 ? w : h;
      double pixel;
      do {
        g[i] = (float) (rng.nextDouble() * 2.6 - 1.3);
        pixel = align ? (g[i] + 1.0) / 2 * (size - 1) : ((g[i] + 1.0) * size - 1) / 2;
      } while (Math.abs(2 * pixel - Math.rint(2 * pixel)) < 0.12);
    }
    return t(g, n, ho, wo, 2);
  }

  private static double dot(Tensor a, Tensor b) {
    float[] x = a.toArray();
    float[] y = b.toArray();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += (double) x[i] * y[i];
    }
    return s;
  }

  private static double absDot(Tensor a, Tensor b) {
    float[] x = a.toArray();
    float[] y = b.toArray();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += Math.abs((double) x[i] * y[i]);
    }
    return s;
  }

  @Test
  void dgridMatchesCentralDifferences() {
    int n = 2;
    int c = 3;
    int h = 5;
    int w = 6;
    int ho = 3;
    int wo = 4;
    for (boolean align : new boolean[] {true, false}) {
      for (GridPadding padding : GridPadding.values()) {
        Tensor x = random(n, c, h, w);
        Tensor o = random(n, c, ho, wo); // loss = <gridSample(x, grid), o>
        Tensor grid = smoothGrid(n, ho, wo, h, w, align);
        float[] dgrid = ops.gridSampleBackward(o, x, grid, padding, align)[1].toArray();
        float[] g = grid.toArray();
        for (int k = 0; k < g.length; k++) {
          int size = k % 2 == 0 ? w : h;
          double pixelsPerUnit = align ? (size - 1) / 2.0 : size / 2.0;
          // two steps (0.04 and 0.02 pixels) both inside the kink-free margin: the loss is linear there, so both
          // differences must agree with the analytic value up to rounding
          for (double stepPixels : new double[] {0.04, 0.02}) {
            float[] plus = g.clone();
            float[] minus = g.clone();
            plus[k] = (float) (g[k] + stepPixels / pixelsPerUnit);
            minus[k] = (float) (g[k] - stepPixels / pixelsPerUnit);
            Tensor yp = ops.gridSample(x, t(plus, grid.shape()), GridMode.BILINEAR, padding, align);
            Tensor ym = ops.gridSample(x, t(minus, grid.shape()), GridMode.BILINEAR, padding, align);
            double step = (double) plus[k] - minus[k];
            double fd = (dot(yp, o) - dot(ym, o)) / step;
            // outputs are rounded to float (u each, relative), and the float unnormalisation perturbs the pixel
            // step by up to 2 ulp of the pixel coordinate (< 2e-6 px here, 1e-4 of a 0.02 px step)
            double tol = 2 * U * (absDot(yp, o) + absDot(ym, o)) / step + 2e-4 * Math.abs(dgrid[k]) + 1e-6;
            assertEquals(dgrid[k], fd, tol, padding + " align " + align + " grid element " + k + " step " + stepPixels);
          }
        }
      }
    }
  }

  @Test
  void dxIsTheAdjointOfSampling() {
    for (boolean align : new boolean[] {true, false}) {
      for (GridPadding padding : GridPadding.values()) {
        Tensor x = random(2, 3, 6, 5);
        Tensor o = random(2, 3, 7, 4);
        float[] g = new float[2 * 7 * 4 * 2];
        for (int i = 0; i < g.length; i++) {
          g[i] = (float) (rng.nextDouble() * 2.8 - 1.4); // also outside the image
        }
        Tensor grid = t(g, 2, 7, 4, 2);
        Tensor y = ops.gridSample(x, grid, GridMode.BILINEAR, padding, align);
        Tensor dx = ops.gridSampleBackward(o, x, grid, padding, align)[0];
        // both sides are exact sums rounded once to float per element: they differ by at most u per term
        double tol = 2 * U * (absDot(y, o) + absDot(x, dx));
        assertEquals(dot(y, o), dot(x, dx), tol, padding + " align " + align);
      }
    }
  }

  @Test
  void warpByZeroFlowIsTheIdentity() {
    Tensor x = random(2, 3, 5, 7);
    for (GridPadding padding : GridPadding.values()) {
      assertArrayEquals(x.toArray(), ops.warp(x, Tensor.zeros(arena, 2, 2, 5, 7), padding).toArray(), padding.toString());
    }
  }

  @Test
  void warpByIntegerFlowShiftsPixels() {
    int h = 4;
    int w = 5;
    Tensor x = random(1, 2, h, w);
    int u = -2;
    int v = 1;
    float[] f = new float[2 * h * w];
    for (int i = 0; i < h * w; i++) {
      f[i] = u;
      f[h * w + i] = v;
    }
    for (GridPadding padding : GridPadding.values()) {
      float[] y = ops.warp(x, t(f, 1, 2, h, w), padding).toArray();
      for (int c = 0; c < 2; c++) {
        for (int yy = 0; yy < h; yy++) {
          for (int xx = 0; xx < w; xx++) {
            int sy = indexAfterPadding(yy + v, h, padding);
            int sx = indexAfterPadding(xx + u, w, padding);
            float want = sy < 0 || sx < 0 ? 0 : x.get(0, c, sy, sx);
            assertEquals(want, y[(c * h + yy) * w + xx], padding + " at " + c + "," + yy + "," + xx);
          }
        }
      }
    }
  }

  /** Where an integer pixel index reads from: -1 for zeros outside, the clamp for border, the mirror for reflection. */
  private static int indexAfterPadding(int i, int size, GridPadding padding) {
    return switch (padding) {
      case ZEROS -> i >= 0 && i < size ? i : -1;
      case BORDER -> Math.max(0, Math.min(i, size - 1));
      case REFLECTION -> {
        int m = Math.floorMod(i, 2 * (size - 1));
        yield m < size ? m : 2 * (size - 1) - m;
      }
    };
  }

  @Test
  void warpByHalfAPixelAverages() {
    Tensor x = t(new float[] {1, 3, 7}, 1, 1, 1, 3);
    Tensor flow = t(new float[] {0.5f, 0.5f, 0.5f, 0, 0, 0}, 1, 2, 1, 3);
    assertArrayEquals(new float[] {2, 5, 3.5f}, ops.warp(x, flow, GridPadding.ZEROS).toArray());
    assertArrayEquals(new float[] {2, 5, 7}, ops.warp(x, flow, GridPadding.BORDER).toArray());
    // reflection about the last pixel centre: 2.5 -> 1.5
    assertArrayEquals(new float[] {2, 5, 5}, ops.warp(x, flow, GridPadding.REFLECTION).toArray());
  }

  @Test
  void warpIsAlignedGridSampling() {
    // with w - 1 = 4 and h - 1 = 2 and dyadic flows the aligned grid 2 (x + u) / (w - 1) - 1 is exact
    int h = 3;
    int w = 5;
    Tensor x = random(2, 2, h, w);
    float[] f = new float[2 * 2 * h * w];
    float[] g = new float[2 * h * w * 2];
    float[] steps = {-1.5f, -0.25f, 0, 0.75f, 2, 5.125f};
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < h * w; i++) {
        float u = steps[rng.nextInt(steps.length)];
        float v = steps[rng.nextInt(steps.length)];
        f[(n * 2) * h * w + i] = u;
        f[(n * 2 + 1) * h * w + i] = v;
        g[(n * h * w + i) * 2] = 2 * (i % w + u) / (w - 1) - 1;
        g[(n * h * w + i) * 2 + 1] = 2 * (i / w + v) / (h - 1) - 1;
      }
    }
    for (GridPadding padding : GridPadding.values()) {
      assertArrayEquals(ops.gridSample(x, t(g, 2, h, w, 2), GridMode.BILINEAR, padding, true).toArray(),
          ops.warp(x, t(f, 2, 2, h, w), padding).toArray(), padding.toString());
    }
  }

  @Test
  void badShapes() {
    Tensor x = Tensor.zeros(arena, 1, 1, 2, 2);
    assertThrows(IllegalArgumentException.class,
        () -> ops.gridSample(x, Tensor.zeros(arena, 1, 2, 2, 3), GridMode.BILINEAR, GridPadding.ZEROS, false));
    assertThrows(IllegalArgumentException.class,
        () -> ops.gridSample(x, Tensor.zeros(arena, 2, 2, 2, 2), GridMode.BILINEAR, GridPadding.ZEROS, false));
    assertThrows(IllegalArgumentException.class,
        () -> ops.gridSampleBackward(Tensor.zeros(arena, 1, 1, 3, 2), x, Tensor.zeros(arena, 1, 2, 2, 2),
            GridPadding.ZEROS, false));
    assertThrows(IllegalArgumentException.class, () -> ops.warp(x, Tensor.zeros(arena, 1, 2, 2, 3), GridPadding.ZEROS));
    assertTrue(ops.gridSample(x, Tensor.zeros(arena, 1, 0, 3, 2), GridMode.BILINEAR, GridPadding.ZEROS, false).numel() == 0);
  }
}
