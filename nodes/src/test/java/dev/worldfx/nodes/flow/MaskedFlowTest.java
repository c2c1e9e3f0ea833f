package dev.worldfx.nodes.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Holes, completion and the consistency check on a textured background panning by (2.3, -1.7) with a 28 px square
 * of another texture moving by (-6, 4) over it, the inpainting situation in small.
 */
class MaskedFlowTest {
  private static final int H = 120;
  private static final int W = 160;
  private static final int MARGIN = 6;
  private static final double BU = 2.3;
  private static final double BV = -1.7;
  private static final int OU = -6;
  private static final int OV = 4;
  private static final int SIDE = 28;
  /** Top-left of the square in frame1; in frame2 it sits at (X0 + OU, Y0 + OV)... */
  private static final int X0 = 70;
  private static final int Y0 = 40;

  private final Arena arena = Arena.ofShared();
  private final CpuOps ops = new CpuOps(arena);
  private final SyntheticFrames background = new SyntheticFrames(7);
  private final SyntheticFrames object = new SyntheticFrames(99);

  @AfterEach
  void close() {
    arena.close();
  }

  /** ... so that frame1(x) = frame2(x + (OU, OV)) on the square: its own flow. */
  private static boolean inSquare(int x, int y, int left, int top) {
    return x >= left && x < left + SIDE && y >= top && y < top + SIDE;
  }

  /** [1,1,H,W]; frame 1 or 2. */
  private Tensor frame(int which) {
    float[] px = new float[H * W];
    int left = which == 1 ? X0 : X0 + OU;
    int top = which == 1 ? Y0 : Y0 + OV;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        px[y * W + x] = inSquare(x, y, left, top) ? object.at(x - left, y - top)
            : which == 1 ? background.at(x + BU, y + BV) : background.at(x, y);
      }
    }
    return Tensor.of(arena, px, 1, 1, H, W);
  }

  private boolean[] square(int which) {
    boolean[] in = new boolean[H * W];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        in[y * W + x] = which == 1 ? inSquare(x, y, X0, Y0) : inSquare(x, y, X0 + OU, Y0 + OV);
      }
    }
    return in;
  }

  private Tensor hole(boolean[] in) {
    float[] m = new float[H * W];
    for (int i = 0; i < m.length; i++) {
      m[i] = in[i] ? 1f : 0f;
    }
    return Tensor.of(arena, m, 1, 1, H, W);
  }

  private static boolean[] not(boolean[] a) {
    boolean[] out = new boolean[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = !a[i];
    }
    return out;
  }

  private static float[] constant(double u, double v) {
    return SyntheticFrames.flow(H, W, (x, y) -> new double[] {u, v});
  }

  @Test
  void holesKeepTheObjectsMotionOutOfTheBackground() {
    TvL1Flow tvl1 = new TvL1Flow(ops, arena, FlowParams.finalQuality());
    boolean[] outside = not(square(1));
    float[] truth = constant(BU, BV);

    float[] blind = tvl1.estimate(frame(1), frame(2)).toArray();
    float[] masked = tvl1.estimate(frame(1), frame(2), hole(square(1)), hole(square(2))).toArray();
    double blindEpe = SyntheticFrames.epe(blind, truth, H, W, MARGIN, outside);
    double maskedEpe = SyntheticFrames.epe(masked, truth, H, W, MARGIN, outside);
    System.out.printf("background EPE outside the square: %.4f px with holes, %.4f px without%n", maskedEpe,
        blindEpe);
    assertTrue(maskedEpe < 0.05);
    assertTrue(blindEpe > 2 * maskedEpe, "the test scene does perturb a flow that ignores the holes");

    Tensor completed = FlowCompletion.completeFlow(arena, Tensor.of(arena, masked, 1, 2, H, W), hole(square(1)));
    float[] done = completed.toArray();
    double inside = SyntheticFrames.epe(done, truth, H, W, MARGIN, square(1));
    double blindInside = SyntheticFrames.epe(
        FlowCompletion.completeFlow(arena, Tensor.of(arena, blind, 1, 2, H, W), hole(square(1))).toArray(),
        truth, H, W, MARGIN, square(1));
    System.out.printf("background EPE inside the square after completeFlow: %.4f px (%.4f px from the flow without"
        + " holes)%n", inside, blindInside);
    assertTrue(inside < 0.05);
    for (int i = 0; i < H * W; i++) {
      if (outside[i]) {
        assertEquals(Float.floatToRawIntBits(masked[i]), Float.floatToRawIntBits(done[i]));
        assertEquals(Float.floatToRawIntBits(masked[H * W + i]), Float.floatToRawIntBits(done[H * W + i]));
      }
    }
  }

  /** The frame1 square grown by {@code px} on every side (negative shrinks). */
  private static boolean[] growSquare(int px) {
    boolean[] in = new boolean[H * W];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        in[y * W + x] = x >= X0 - px && x < X0 + SIDE + px && y >= Y0 - px && y < Y0 + SIDE + px;
      }
    }
    return in;
  }

  @Test
  void consistencyFlagsWhatTheSquareUncoversAndCovers() {
    TvL1Flow tvl1 = new TvL1Flow(ops, arena, FlowParams.finalQuality());
    Tensor forward = tvl1.estimate(frame(1), frame(2));
    Tensor backward = tvl1.estimate(frame(2), frame(1));
    float[] conf = FlowConsistency.confidence(ops, arena, forward, backward, 0.5f).toArray();
    // background of frame1 that the square covers in frame2, a few px away from the square's own edges
    boolean[] covered = new boolean[H * W];
    boolean[] far = growSquare(-SIDE); // empty, filled below
    boolean[] core = growSquare(-4);
    boolean[] near = growSquare(8);
    boolean[] sq1 = square(1);
    boolean[] sq2 = square(2);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int i = y * W + x;
        // the target of a background pixel, rounded: inside the frame2 square means it gets covered
        int tx = (int) Math.round(x + BU);
        int ty = (int) Math.round(y + BV);
        boolean hidden = tx >= 0 && tx < W && ty >= 0 && ty < H && sq2[ty * W + tx];
        covered[i] = !sq1[i] && hidden && !sq1[Math.min(H - 1, y + 2) * W + x] && !sq1[Math.max(0, y - 2) * W + x]
            && !sq1[y * W + Math.min(W - 1, x + 2)] && !sq1[y * W + Math.max(0, x - 2)];
        far[i] = !near[i];
      }
    }
    double coveredMean = mean(conf, covered, 0);
    double farMean = mean(conf, far, MARGIN);
    // TV-L1 does not follow this small, fast square (its 10 px relative motion fades out of the coarse levels), so
    // its core is inconsistent too: printed, not asserted
    double coreMean = mean(conf, core, 0);
    System.out.printf("confidence: %.3f in the covered background (%d px), %.3f on the far background, %.3f on the "
        + "square's core%n", coveredMean, count(covered), farMean, coreMean);
    assertTrue(coveredMean < 0.2);
    assertTrue(farMean > 0.97);
  }

  private static double mean(float[] values, boolean[] where, int margin) {
    double s = 0;
    int n = 0;
    for (int y = margin; y < H - margin; y++) {
      for (int x = margin; x < W - margin; x++) {
        if (where[y * W + x]) {
          s += values[y * W + x];
          n++;
        }
      }
    }
    assertTrue(n > 0);
    return s / n;
  }

  private static int count(boolean[] b) {
    int n = 0;
    for (boolean v : b) {
      n += v ? 1 : 0;
    }
    return n;
  }

  @Test
  void completionRecoversALinearFieldAndKeepsKnownFlowBitExact() {
    SyntheticFrames.Motion zoom = (x, y) -> new double[] {0.05 * (x - 80), -0.04 * (y - 60) + 1};
    float[] truth = SyntheticFrames.flow(H, W, zoom);
    float[] noisy = truth.clone();
    boolean[] hole = growSquare(10); // 48 x 48, away from the border
    for (int i = 0; i < H * W; i++) {
      if (hole[i]) {
        noisy[i] = 50; // the object's own motion, to be discarded
        noisy[H * W + i] = -50;
      }
    }
    float[] done = FlowCompletion.completeFlow(arena, Tensor.of(arena, noisy, 1, 2, H, W), hole(hole)).toArray();
    double e = SyntheticFrames.epe(done, truth, H, W, 0, hole);
    System.out.printf("completeFlow of a linear field through a 48x48 hole: EPE %.5f px%n", e);
    assertTrue(e < 0.01);
    for (int i = 0; i < H * W; i++) {
      if (!hole[i]) {
        assertEquals(Float.floatToRawIntBits(noisy[i]), Float.floatToRawIntBits(done[i]));
      }
    }
    float[] again = FlowCompletion.completeFlow(arena, Tensor.of(arena, noisy, 1, 2, H, W), hole(hole)).toArray();
    assertArrayEquals(done, again);
  }

  @Test
  void completionNeedsSomethingToCompleteFrom() {
    float[] all = new float[H * W];
    java.util.Arrays.fill(all, 1f);
    assertThrows(IllegalArgumentException.class, () -> FlowCompletion.completeFlow(arena,
        Tensor.zeros(arena, 1, 2, H, W), Tensor.of(arena, all, 1, 1, H, W)));
  }
}
