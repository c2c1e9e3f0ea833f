package dev.worldfx.nodes.flow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * Times 640x360 pairs per preset, best of the runs after the JIT has compiled the loops, and prints pairs/s with the
 * EPE on a (2.3, -1.7) translation, the reference being the exact flow. Asserts only a loose ceiling: the machine is
 * shared.
 */
class FlowTimingTest {
  private static final int H = 360;
  private static final int W = 640;

  @Test
  void draftAndFinalAt640x360() {
    SyntheticFrames texture = new SyntheticFrames(3);
    SyntheticFrames.Motion motion = (x, y) -> new double[] {2.3, -1.7};
    float[] f1 = texture.frame1(H, W, motion);
    float[] f2 = texture.frame2(H, W);
    float[] truth = SyntheticFrames.flow(H, W, motion);
    for (FlowParams params : new FlowParams[] {FlowParams.draft(), FlowParams.finalQuality()}) {
      double best = Double.MAX_VALUE;
      double epe = 0;
      int warmUp = params.finestLevel() == 0 ? 1 : 4;
      for (int run = 0; run < warmUp + 2; run++) {
        try (Arena arena = Arena.ofShared()) {
          CpuOps ops = new CpuOps(arena);
          Tensor a = Tensor.of(arena, f1, 1, 1, H, W);
          Tensor b = Tensor.of(arena, f2, 1, 1, H, W);
          long t0 = System.nanoTime();
          float[] flow = new TvL1Flow(ops, arena, params).estimate(a, b).toArray();
          double s = (System.nanoTime() - t0) / 1e9;
          if (run >= warmUp) {
            best = Math.min(best, s);
          }
          epe = SyntheticFrames.epe(flow, truth, H, W, 6, null);
        }
      }
      System.out.printf("TV-L1 %s at %dx%d on %d cores: %.0f ms per pair (%.1f pairs/s), EPE %.4f px%n",
          params.finestLevel() == 0 ? "final" : "draft", W, H, Runtime.getRuntime().availableProcessors(),
          best * 1000, 1 / best, epe);
      assertTrue(epe < 0.15);
      assertTrue(best < 20, "one pair should never take this long");
    }
    // completion through a 200 x 120 hole (a tenth of the frame), where the flow is (2.3, -1.7) around it
    float[] hole = new float[H * W];
    for (int y = 120; y < 240; y++) {
      java.util.Arrays.fill(hole, y * W + 220, y * W + 420, 1f);
    }
    float[] holed = truth.clone();
    for (int i = 0; i < H * W; i++) {
      if (hole[i] > 0) {
        holed[i] = 0; // what the solve must not keep
        holed[H * W + i] = 0;
      }
    }
    double best = Double.MAX_VALUE;
    float[] filled = null;
    for (int run = 0; run < 6; run++) {
      try (Arena arena = Arena.ofShared()) {
        long t0 = System.nanoTime();
        filled = FlowCompletion.completeFlow(arena, Tensor.of(arena, holed, 1, 2, H, W),
            Tensor.of(arena, hole, 1, 1, H, W)).toArray();
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
    }
    System.out.printf("completeFlow at %dx%d through a 200x120 hole: %.1f ms%n", W, H, best * 1000);
    assertTrue(SyntheticFrames.epe(filled, truth, H, W, 0, null) < 1e-3);
  }
}
