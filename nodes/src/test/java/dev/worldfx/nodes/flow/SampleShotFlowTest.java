package dev.worldfx.nodes.flow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.local.SampleShot;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The project's sample shot (hard-edged slanted stripes, an HDR highlight, a red ball under the matte): its backdrop
 * pans by 1.5 px a frame, so frame t shows at x what frame t + 1 shows at x - 1.5 and the flow is (-1.5, 0).
 */
class SampleShotFlowTest {
  private static final int W = 192;
  private static final int H = 108;
  private static final int MARGIN = 6;

  private final Arena arena = Arena.ofShared();
  private final CpuOps ops = new CpuOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  /** RGB [1,3,H,W] (row index = the frame's y). */
  private Tensor rgb(FrameView f) {
    float[] px = new float[3 * H * W];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          px[(c * H + y) * W + x] = f.sample(x, y, c);
        }
      }
    }
    return Tensor.of(arena, px, 1, 3, H, W);
  }

  private Tensor matte(FrameView f) {
    float[] px = new float[H * W];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        px[y * W + x] = f.sample(x, y, 0);
      }
    }
    return Tensor.of(arena, px, 1, 1, H, W);
  }

  @Test
  void backdropPanIsFoundAroundAndThroughTheMatte() {
    SampleShot shot = new SampleShot(arena, W, H, 8);
    Tensor hole1 = matte(shot.mattes.get(3));
    Tensor hole2 = matte(shot.mattes.get(4));
    float[] truth = SyntheticFrames.flow(H, W, (x, y) -> new double[] {-1.5, 0});
    float[] m = hole1.toArray();
    boolean[] outside = new boolean[H * W];
    boolean[] inside = new boolean[H * W];
    for (int i = 0; i < m.length; i++) {
      outside[i] = m[i] <= 0;
      inside[i] = !outside[i];
    }
    for (FlowParams params : new FlowParams[] {FlowParams.draft(), FlowParams.finalQuality()}) {
      Tensor flow = new TvL1Flow(ops, arena, params)
          .estimate(rgb(shot.frames.get(3)), rgb(shot.frames.get(4)), hole1, hole2);
      double around = SyntheticFrames.epe(flow.toArray(), truth, H, W, MARGIN, outside);
      double through = SyntheticFrames.epe(FlowCompletion.completeFlow(arena, flow, hole1).toArray(), truth, H, W,
          MARGIN, inside);
      System.out.printf("sample shot %dx%d, %s: backdrop EPE %.4f px outside the matte, %.4f px inside after "
          + "completeFlow%n", W, H, params.finestLevel() == 0 ? "final" : "draft", around, through);
      assertTrue(around < 0.15 && through < 0.15);
    }
  }
}
