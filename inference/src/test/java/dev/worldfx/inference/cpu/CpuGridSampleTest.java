package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.SpatialTesting.assertClose;
import static dev.worldfx.inference.cpu.SpatialTesting.assertSame;
import static dev.worldfx.inference.cpu.SpatialTesting.maxAbs;
import static dev.worldfx.inference.cpu.SpatialTesting.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.GridMode;
import dev.worldfx.inference.Ops.GridPadding;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast grid sample, its backward and warp against the reference. Both compute coordinates in float in the same
 * order, so taps and nearest rounding agree exactly: nearest must match bit for bit. Bilinear: float weights from
 * exact factors (u = 2^-24 each), four products and three sums, weights summing to 1: under 12 u of max |x|, so
 * 1e-6 max |x|. Bicubic: float coefficients (about 6 roundings each), 16 taps, absolute weights summing to at most
 * 1.375 per axis: under 40 u 1.375^2, so 4e-6 max |x|. The backward sums in float what the reference sums in double;
 * its bounds are stated where they are checked.
 */
class CpuGridSampleTest {
  private static final double LINEAR_TOL = 1e-6;
  private static final double CUBIC_TOL = 4e-6;
  /** {n, c, h, w, ho, wo}: single pixel, one row, one column, square, odd sizes, more outputs than inputs, empty input. */
  private static final int[][] SHAPES = {
    {1, 1, 1, 1, 1, 1}, {2, 3, 5, 7, 3, 4}, {1, 2, 1, 6, 2, 5}, {1, 2, 6, 1, 4, 3}, {2, 5, 8, 8, 8, 8},
    {1, 3, 13, 17, 9, 21}, {1, 2, 0, 3, 2, 2}};

  private final Arena arena = Arena.ofShared(); // the kernels run on pool threads too
  private final Ops ref = new ReferenceOps(arena);
  private final Ops cpu = new CpuOps(arena);
  private final OpContext ctx = new OpContext(arena, cpu, ref);
  private final Random rng = new Random(5);

  @AfterEach
  void close() {
    arena.close();
  }

  /** Random points over and beyond the image, with every tenth on an exact pixel centre, edge or half-pixel. */
  private Tensor grid(int n, int ho, int wo) {
    float[] g = new float[n * ho * wo * 2];
    float[] special = {-1, 1, 0, -0.5f, 0.5f, -1.25f, 1.5f};
    for (int i = 0; i < g.length; i++) {
      g[i] = i % 10 == 3 ? special[rng.nextInt(special.length)] : (float) (rng.nextDouble() * 2.8 - 1.4);
    }
    return Tensor.of(arena, g, n, ho, wo, 2);
  }

  private static double tol(GridMode mode, Tensor x) {
    return switch (mode) {
      case NEAREST -> 0;
      case BILINEAR -> LINEAR_TOL * maxAbs(x);
      case BICUBIC -> CUBIC_TOL * maxAbs(x);
    };
  }

  @Test
  void sampleMatchesReference() {
    for (int[] s : SHAPES) {
      Tensor x = random(arena, rng, s[0], s[1], s[2], s[3]);
      Tensor g = grid(s[0], s[4], s[5]);
      for (GridMode mode : GridMode.values()) {
        for (GridPadding padding : GridPadding.values()) {
          for (boolean align : new boolean[] {false, true}) {
            String what = mode + " " + padding + " align " + align + " " + x + " grid " + g;
            Tensor want = ref.gridSample(x, g, mode, padding, align);
            Tensor got = cpu.gridSample(x, g, mode, padding, align);
            if (mode == GridMode.NEAREST) {
              assertSame(want, got, what);
            } else {
              assertClose(want, got, tol(mode, x), what);
            }
          }
        }
      }
    }
  }

  @Test
  void nonFiniteGridPointsAndViews() {
    Tensor x = random(arena, rng, 1, 2, 4, 5).transpose(2, 3); // a view, [1,2,5,4]
    float[] g = {Float.NaN, 0, 0, Float.NaN, Float.POSITIVE_INFINITY, 0.3f, -0.2f, Float.NEGATIVE_INFINITY, 1e30f, -1e30f, 0.1f, 0.2f};
    Tensor grid = Tensor.of(arena, g, 1, 2, 3, 2);
    for (GridMode mode : GridMode.values()) {
      for (GridPadding padding : GridPadding.values()) {
        for (boolean align : new boolean[] {false, true}) {
          assertClose(ref.gridSample(x, grid, mode, padding, align), cpu.gridSample(x, grid, mode, padding, align),
              tol(mode, x), mode + " " + padding + " align " + align);
        }
      }
    }
  }

  @Test
  void backwardMatchesReference() {
    for (int[] s : SHAPES) {
      Tensor x = random(arena, rng, s[0], s[1], s[2], s[3]);
      Tensor o = random(arena, rng, s[0], s[1], s[4], s[5]);
      Tensor absO = Tensor.of(arena, abs(o.toArray()), o.shape());
      Tensor g = grid(s[0], s[4], s[5]);
      for (GridPadding padding : GridPadding.values()) {
        for (boolean align : new boolean[] {false, true}) {
          String what = padding + " align " + align + " " + x + " grid " + g;
          Tensor[] want = ref.gridSampleBackward(o, x, g, padding, align);
          Tensor[] got = cpu.gridSampleBackward(o, x, g, padding, align);
          // dx: a float sum of m terms is within (m + 2) u of the sum of their magnitudes, which is the reference dx
          // for |gradOut| (the weights are non-negative); 1e-5 of it covers m up to 160 (here m stays under 20).
          float[] magnitude = ref.gridSampleBackward(absO, x, g, padding, align)[0].toArray();
          float[] dxWant = want[0].toArray();
          float[] dxGot = got[0].toArray();
          for (int i = 0; i < dxWant.length; i++) {
            final int at = i;
            assertTrue(Math.abs(dxWant[i] - dxGot[i]) <= 1e-5 * magnitude[i],
                () -> what + " dx[" + at + "] = " + dxGot[at] + ", reference " + dxWant[at]);
          }
          // dgrid: per point each of C channels adds 4 terms v * weight * gradOut whose magnitudes sum to at most
          // 2 max|x| |gradOut| per channel; (4 C + 3) u of that (C <= 5 here) is within 1e-5 of it, times the
          // unnormalisation factor.
          float[] dgWant = want[1].toArray();
          float[] dgGot = got[1].toArray();
          float[] ov = absO.toArray();
          int c = s[1];
          int plane = s[4] * s[5];
          for (int i = 0; i < dgWant.length; i++) {
            int pix = i / 2;
            int n = pix / plane;
            double sumG = 0;
            for (int ch = 0; ch < c; ch++) {
              sumG += ov[(n * c + ch) * plane + pix % plane];
            }
            int size = i % 2 == 0 ? s[3] : s[2];
            double scale = (align ? (size - 1) / 2.0 : size / 2.0) * 2 * maxAbs(x) * sumG;
            final int at = i;
            assertTrue(Math.abs(dgWant[i] - dgGot[i]) <= 1e-5 * scale,
                () -> what + " dgrid[" + at + "] = " + dgGot[at] + ", reference " + dgWant[at]);
          }
        }
      }
    }
  }

  private static float[] abs(float[] v) {
    float[] a = v.clone();
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.abs(a[i]);
    }
    return a;
  }

  @Test
  void warpMatchesReference() {
    int[][] shapes = {{1, 1, 1, 1}, {2, 3, 5, 7}, {1, 2, 1, 9}, {1, 4, 16, 16}, {1, 3, 11, 37}};
    for (int[] s : shapes) {
      Tensor x = random(arena, rng, s);
      float[] f = new float[s[0] * 2 * s[2] * s[3]];
      for (int i = 0; i < f.length; i++) {
        // pixel flows up to 3 px, a quarter of them whole pixels
        f[i] = i % 4 == 1 ? rng.nextInt(7) - 3 : (float) (rng.nextDouble() * 6 - 3);
      }
      Tensor flow = Tensor.of(arena, f, s[0], 2, s[2], s[3]);
      for (GridPadding padding : GridPadding.values()) {
        assertClose(ref.warp(x, flow, padding), cpu.warp(x, flow, padding), LINEAR_TOL * maxAbs(x),
            padding + " " + x);
        assertArrayEquals(x.toArray(), cpu.warp(x, Tensor.zeros(arena, s[0], 2, s[2], s[3]), padding).toArray(),
            "zero flow, " + padding);
      }
    }
  }

  @Test
  void sameBitsWhateverTheThreadCount() {
    Tensor x = random(arena, rng, 2, 6, 37, 41);
    Tensor g = grid(2, 29, 31);
    Tensor o = random(arena, rng, 2, 6, 29, 31);
    Tensor flow = random(arena, rng, 2, 2, 37, 41);
    for (GridPadding padding : GridPadding.values()) {
      Tensor[] one = GridSampleKernel.gridSampleBackward(ctx, o, x, g, padding, false, 1);
      Tensor warp = GridSampleKernel.warp(ctx, x, flow, padding, 1);
      for (int threads : new int[] {2, 3, 8}) {
        for (GridMode mode : GridMode.values()) {
          assertSame(GridSampleKernel.gridSample(ctx, x, g, mode, padding, true, 1),
              GridSampleKernel.gridSample(ctx, x, g, mode, padding, true, threads), mode + " " + padding + " " + threads);
        }
        Tensor[] many = GridSampleKernel.gridSampleBackward(ctx, o, x, g, padding, false, threads);
        assertSame(one[0], many[0], "dx " + padding + " " + threads);
        assertSame(one[1], many[1], "dgrid " + padding + " " + threads);
        assertSame(warp, GridSampleKernel.warp(ctx, x, flow, padding, threads), "warp " + padding + " " + threads);
      }
    }
  }

  @Test
  void confinedArenasRunOnTheCallingThread() {
    Tensor x = random(arena, rng, 1, 3, 40, 50);
    Tensor g = grid(1, 30, 20);
    Tensor o = random(arena, rng, 1, 3, 30, 20);
    Tensor flow = random(arena, rng, 1, 2, 40, 50);
    try (Arena confined = Arena.ofConfined()) {
      OpContext local = new OpContext(confined, new CpuOps(confined), new ReferenceOps(confined));
      Tensor xc = Tensor.of(confined, x.toArray(), x.shape());
      Tensor gc = Tensor.of(confined, g.toArray(), g.shape());
      Tensor oc = Tensor.of(confined, o.toArray(), o.shape());
      Tensor fc = Tensor.of(confined, flow.toArray(), flow.shape());
      assertSame(GridSampleKernel.gridSample(ctx, x, g, GridMode.BICUBIC, GridPadding.BORDER, false, 4),
          GridSampleKernel.gridSample(local, xc, gc, GridMode.BICUBIC, GridPadding.BORDER, false, 4), "gridSample");
      assertSame(GridSampleKernel.gridSampleBackward(ctx, o, x, g, GridPadding.ZEROS, true, 4)[0],
          GridSampleKernel.gridSampleBackward(local, oc, xc, gc, GridPadding.ZEROS, true, 4)[0], "dx");
      assertSame(GridSampleKernel.warp(ctx, x, flow, GridPadding.REFLECTION, 4),
          GridSampleKernel.warp(local, xc, fc, GridPadding.REFLECTION, 4), "warp");
    }
  }
}
