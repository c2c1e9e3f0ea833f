package dev.worldfx.nodes.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused one-pass schedule gives the same bits for any band split, so any thread count. */
class PrimalDualIterationsTest {
  private static final int H = 37;
  private static final int W = 29;

  private static float[] run(int bands, int iterations) {
    Random r = new Random(5);
    int n = H * W;
    float[] warped = new float[4 * n];
    for (int i = 0; i < 3 * n; i++) {
      warped[i] = r.nextFloat() - 0.5f;
    }
    for (int i = 3 * n; i < 4 * n; i++) {
      warped[i] = r.nextFloat() < 0.9f ? 1f : 0.5f;
    }
    float[] i0 = new float[n];
    float[] weight = new float[n];
    float[] flow = new float[2 * n];
    for (int i = 0; i < n; i++) {
      i0[i] = r.nextFloat();
      weight[i] = r.nextFloat() < 0.8f ? 11.4f : 0f;
      flow[i] = 2 * r.nextFloat();
      flow[n + i] = -2 * r.nextFloat();
    }
    PrimalDualIterations solver = new PrimalDualIterations(flow, H, W, FlowParams.finalQuality(), bands);
    solver.linearise(warped, i0, weight);
    solver.iterate(iterations);
    return flow;
  }

  @Test
  void bandSplitDoesNotChangeBits() {
    float[] one = run(1, 25);
    assertFalse(Arrays.equals(one, run(1, 0)), "the iterations move the flow");
    for (int bands : new int[] {2, 3, 8, H}) {
      assertArrayEquals(one, run(bands, 25), bands + " bands");
    }
  }
}
