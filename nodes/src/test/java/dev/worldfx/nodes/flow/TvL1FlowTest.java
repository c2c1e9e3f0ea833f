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

/** TV-L1 against flows known exactly: analytic textures moved by analytic motions (see {@link SyntheticFrames}). */
class TvL1FlowTest {
  private static final int H = 120;
  private static final int W = 160;
  /** Pixels near the border see content that left the frame; the error is measured inside this margin. */
  private static final int MARGIN = 6;

  private final Arena arena = Arena.ofShared();
  private final CpuOps ops = new CpuOps(arena);
  private final SyntheticFrames texture = new SyntheticFrames(7);

  @AfterEach
  void close() {
    arena.close();
  }

  private float[] estimate(FlowParams params, SyntheticFrames.Motion motion) {
    Tensor f1 = Tensor.of(arena, texture.frame1(H, W, motion), 1, 1, H, W);
    Tensor f2 = Tensor.of(arena, texture.frame2(H, W), 1, 1, H, W);
    return new TvL1Flow(ops, arena, params).estimate(f1, f2).toArray();
  }

  private double epe(String name, FlowParams params, SyntheticFrames.Motion motion) {
    double e = SyntheticFrames.epe(estimate(params, motion), SyntheticFrames.flow(H, W, motion), H, W, MARGIN, null);
    System.out.printf("TV-L1 %s, %s: EPE %.4f px (%dx%d, margin %d)%n", name,
        params.finestLevel() == 0 ? "final" : "draft", e, W, H, MARGIN);
    return e;
  }

  private static SyntheticFrames.Motion translation() {
    return (x, y) -> new double[] {2.3, -1.7};
  }

  /** Zoom by 3 % about the centre: frame1(x) = texture(c + 1.03 (x - c)). */
  private static SyntheticFrames.Motion zoom() {
    return (x, y) -> new double[] {0.03 * (x - W / 2.0), 0.03 * (y - H / 2.0)};
  }

  /** Rotation by 2 degrees about the centre. */
  private static SyntheticFrames.Motion rotation() {
    double a = Math.toRadians(2);
    return (x, y) -> {
      double dx = x - W / 2.0;
      double dy = y - H / 2.0;
      return new double[] {Math.cos(a) * dx - Math.sin(a) * dy - dx, Math.sin(a) * dx + Math.cos(a) * dy - dy};
    };
  }

  @Test
  void subPixelTranslation() {
    assertTrue(epe("translation (2.3, -1.7)", FlowParams.finalQuality(), translation()) < 0.05);
    assertTrue(epe("translation (2.3, -1.7)", FlowParams.draft(), translation()) < 0.15);
  }

  @Test
  void zoomAndRotation() {
    assertTrue(epe("zoom 3 %", FlowParams.finalQuality(), zoom()) < 0.15);
    assertTrue(epe("rotation 2 deg", FlowParams.finalQuality(), rotation()) < 0.15);
    assertTrue(epe("zoom 3 %", FlowParams.draft(), zoom()) < 0.3);
  }

  @Test
  void largeMotionNeedsThePyramid() {
    SyntheticFrames.Motion big = (x, y) -> new double[] {9.4, 6.2};
    assertTrue(epe("translation (9.4, 6.2)", FlowParams.finalQuality(), big) < 0.1);
    FlowParams oneLevel = new FlowParams(1, 5, 40, 38f, 0.3f, 0.25f, 0);
    double e = SyntheticFrames.epe(estimate(oneLevel, big), SyntheticFrames.flow(H, W, big), H, W, MARGIN, null);
    System.out.printf("TV-L1 translation (9.4, 6.2) without pyramid: EPE %.4f px%n", e);
    assertTrue(e > 1, "a single level cannot see a 11 px motion");
  }

  @Test
  void rgbFramesUseLumaAndTheSameConvention() {
    SyntheticFrames.Motion motion = translation();
    float[] g1 = texture.frame1(H, W, motion);
    float[] g2 = texture.frame2(H, W);
    float[] rgb1 = new float[3 * H * W];
    float[] rgb2 = new float[3 * H * W];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < H * W; i++) {
        rgb1[c * H * W + i] = g1[i] * (0.5f + 0.25f * c);
        rgb2[c * H * W + i] = g2[i] * (0.5f + 0.25f * c);
      }
    }
    float[] flow = new TvL1Flow(ops, arena, FlowParams.finalQuality())
        .estimate(Tensor.of(arena, rgb1, 1, 3, H, W), Tensor.of(arena, rgb2, 1, 3, H, W)).toArray();
    assertTrue(SyntheticFrames.epe(flow, SyntheticFrames.flow(H, W, motion), H, W, MARGIN, null) < 0.05);
  }

  @Test
  void warpingFrame2ByTheFlowGivesFrame1() {
    Tensor f1 = Tensor.of(arena, texture.frame1(H, W, rotation()), 1, 1, H, W);
    Tensor f2 = Tensor.of(arena, texture.frame2(H, W), 1, 1, H, W);
    Tensor flow = new TvL1Flow(ops, arena, FlowParams.finalQuality()).estimate(f1, f2);
    float[] warped = ops.warp(f2, flow, dev.worldfx.inference.Ops.GridPadding.BORDER).toArray();
    float[] a = f1.toArray();
    float[] b = f2.toArray();
    double before = 0;
    double after = 0;
    for (int y = MARGIN; y < H - MARGIN; y++) {
      for (int x = MARGIN; x < W - MARGIN; x++) {
        int i = y * W + x;
        before += Math.abs(a[i] - b[i]);
        after += Math.abs(a[i] - warped[i]);
      }
    }
    System.out.printf("TV-L1 rotation: mean |frame1 - frame2| %.4f, |frame1 - warp(frame2, flow)| %.4f%n",
        before / ((H - 2 * MARGIN) * (W - 2 * MARGIN)), after / ((H - 2 * MARGIN) * (W - 2 * MARGIN)));
    assertTrue(after < before / 10);
  }

  @Test
  void sameInputSameBits() {
    float[] a = estimate(FlowParams.draft(), rotation());
    float[] b = estimate(FlowParams.draft(), rotation());
    assertArrayEquals(a, b);
  }

  @Test
  void abortPollStopsTheEstimate() {
    int[] polls = {0};
    TvL1Flow flow = new TvL1Flow(ops, arena, FlowParams.draft(), () -> {
      if (++polls[0] == 3) {
        throw new IllegalStateException("aborted");
      }
    });
    Tensor a = Tensor.of(arena, texture.frame2(H, W), 1, 1, H, W);
    assertThrows(IllegalStateException.class, () -> flow.estimate(a, a));
    assertEquals(3, polls[0]);
  }

  @Test
  void rejectsMismatchedShapes() {
    TvL1Flow flow = new TvL1Flow(ops, arena, FlowParams.draft());
    Tensor a = Tensor.zeros(arena, 1, 1, 20, 20);
    assertThrows(IllegalArgumentException.class, () -> flow.estimate(a, Tensor.zeros(arena, 1, 1, 20, 21)));
    assertThrows(IllegalArgumentException.class, () -> flow.estimate(a, a, Tensor.zeros(arena, 1, 1, 20, 19), null));
    assertThrows(IllegalArgumentException.class, () -> new FlowParams(3, 1, 1, 38f, 0.3f, 0.5f, 0));
  }
}
