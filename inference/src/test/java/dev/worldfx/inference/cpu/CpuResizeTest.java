package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.SpatialTesting.assertClose;
import static dev.worldfx.inference.cpu.SpatialTesting.assertSame;
import static dev.worldfx.inference.cpu.SpatialTesting.maxAbs;
import static dev.worldfx.inference.cpu.SpatialTesting.random;

import dev.worldfx.inference.DType;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.CoordMode;
import dev.worldfx.inference.Ops.NearestMode;
import dev.worldfx.inference.Ops.ResizeMode;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast resize against the reference. Nearest picks the same pixel, so it must match bit for bit. Linear and cubic
 * compute in float what the reference sums in double: weights rounded once (u = 2^-24 relative each), k products and
 * k - 1 additions per axis, two axes. Linear: under 12 u of max |x| (weights sum to 1), so 1e-6 max |x|. Cubic: the
 * absolute weights sum to at most 1.375 per axis at A = -0.75 (1.5 at A = -0.5) and each weight takes a few roundings
 * more, under 40 u times that squared, so 4e-6 max |x|.
 */
class CpuResizeTest {
  private static final double LINEAR_TOL = 1e-6;
  private static final double CUBIC_TOL = 4e-6;
  /** {n, c, h, w, outH, outW}: identity, up, down, mixed, single pixels, rows longer than a vector and not a multiple. */
  private static final int[][] SHAPES = {
    {1, 1, 1, 1, 1, 1}, {1, 2, 1, 1, 3, 4}, {2, 3, 5, 7, 5, 7}, {2, 3, 5, 7, 2, 3}, {1, 2, 4, 4, 8, 8},
    {1, 1, 16, 17, 33, 9}, {1, 2, 9, 33, 4, 70}, {1, 1, 3, 8, 1, 1}, {2, 1, 6, 6, 13, 2}, {1, 1, 2, 40, 3, 41}};

  private final Arena arena = Arena.ofShared(); // the kernels run on pool threads too
  private final Ops ref = new ReferenceOps(arena);
  private final Ops cpu = new CpuOps(arena);
  private final OpContext ctx = new OpContext(arena, cpu, ref);
  private final Random rng = new Random(11);

  @AfterEach
  void close() {
    arena.close();
  }

  private void assertParity(Tensor x, int outH, int outW, ResizeMode mode, CoordMode coord, NearestMode nearest, float a) {
    Tensor want = ref.resize(x, outH, outW, mode, coord, nearest, a);
    Tensor got = cpu.resize(x, outH, outW, mode, coord, nearest, a);
    String what = mode + " " + coord + " " + nearest + " A " + a + " " + x + " -> " + outH + "x" + outW;
    switch (mode) {
      case NEAREST -> assertSame(want, got, what);
      case BILINEAR -> assertClose(want, got, LINEAR_TOL * maxAbs(x), what);
      case BICUBIC -> assertClose(want, got, CUBIC_TOL * maxAbs(x), what);
    }
  }

  @Test
  void matchesReferenceInEveryMode() {
    for (int[] s : SHAPES) {
      Tensor x = random(arena, rng, s[0], s[1], s[2], s[3]);
      for (CoordMode coord : CoordMode.values()) {
        for (NearestMode nearest : NearestMode.values()) {
          assertParity(x, s[4], s[5], ResizeMode.NEAREST, coord, nearest, -0.75f);
        }
        assertParity(x, s[4], s[5], ResizeMode.BILINEAR, coord, NearestMode.ROUND_PREFER_FLOOR, -0.75f);
        assertParity(x, s[4], s[5], ResizeMode.BICUBIC, coord, NearestMode.ROUND_PREFER_FLOOR, -0.75f);
        assertParity(x, s[4], s[5], ResizeMode.BICUBIC, coord, NearestMode.ROUND_PREFER_FLOOR, -0.5f);
      }
    }
  }

  @Test
  void readsViewsHalfFloatsAndEmptyOutputs() {
    Tensor view = random(arena, rng, 2, 3, 9, 6).transpose(2, 3); // [2,3,6,9] with non-unit W stride
    for (ResizeMode mode : ResizeMode.values()) {
      assertParity(view, 11, 4, mode, CoordMode.HALF_PIXEL, NearestMode.ROUND_PREFER_CEIL, -0.75f);
    }
    assertParity(random(arena, rng, 1, 2, 3, 3), 0, 5, ResizeMode.BILINEAR, CoordMode.HALF_PIXEL,
        NearestMode.FLOOR, -0.75f);
    assertParity(random(arena, rng, 1, 2, 5, 4).to(arena, DType.F16), 9, 7, ResizeMode.BICUBIC,
        CoordMode.PYTORCH_HALF_PIXEL, NearestMode.FLOOR, -0.75f);
  }

  @Test
  void sameBitsWhateverTheThreadCount() {
    Tensor x = random(arena, rng, 2, 3, 67, 45);
    for (ResizeMode mode : ResizeMode.values()) {
      Tensor one = ResizeKernel.resize(ctx, x, 130, 91, 130.0 / 67, 91.0 / 45, mode, CoordMode.HALF_PIXEL,
          NearestMode.ROUND_PREFER_FLOOR, -0.75f, 1);
      for (int threads : new int[] {2, 3, 8}) {
        Tensor many = ResizeKernel.resize(ctx, x, 130, 91, 130.0 / 67, 91.0 / 45, mode, CoordMode.HALF_PIXEL,
            NearestMode.ROUND_PREFER_FLOOR, -0.75f, threads);
        assertSame(one, many, mode + " on " + threads + " threads");
      }
    }
  }

  @Test
  void confinedArenasRunOnTheCallingThread() {
    Tensor x = random(arena, rng, 2, 3, 67, 45);
    try (Arena confined = Arena.ofConfined()) {
      OpContext local = new OpContext(confined, new CpuOps(confined), new ReferenceOps(confined));
      Tensor xc = Tensor.of(confined, x.toArray(), x.shape());
      assertSame(ResizeKernel.resize(ctx, x, 30, 91, 30.0 / 67, 91.0 / 45, ResizeMode.BILINEAR, CoordMode.ASYMMETRIC,
              NearestMode.FLOOR, -0.75f, 4),
          ResizeKernel.resize(local, xc, 30, 91, 30.0 / 67, 91.0 / 45, ResizeMode.BILINEAR, CoordMode.ASYMMETRIC,
              NearestMode.FLOOR, -0.75f, 4), "resize");
    }
  }
}
