package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.Ops.Binary;
import dev.worldfx.inference.Ops.CoordMode;
import dev.worldfx.inference.Ops.GridPadding;
import dev.worldfx.inference.Ops.NearestMode;
import dev.worldfx.inference.Ops.ResizeMode;
import dev.worldfx.inference.Ops.Unary;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Random-direction gradient checks at sizes where the CPU backend's vector and multithreaded
 * kernels run (the element-by-element checks use shapes small enough that some may fall back to
 * the reference). Tolerance: see GradCheck.
 */
class LargeShapeGradTest {
  private static final int DIRECTIONS = 3;
  private final GradCheck gc = new GradCheck(23);
  private final Random random = new Random(29);

  @AfterEach
  void close() {
    gc.close();
  }

  @Test
  void convolutions() {
    gc.checkDirections((t, in) -> Linear.conv2d(t, in[0], in[1], in[2], Conv2dParams.of(1, 1)), DIRECTIONS,
        gc.param(2, 8, 16, 17), gc.param(16, 8, 3, 3), gc.param(16));
    gc.checkDirections((t, in) -> Linear.conv2d(t, in[0], in[1], null, Conv2dParams.of(2, 1).withGroups(2)), DIRECTIONS,
        gc.param(1, 8, 15, 16), gc.param(8, 4, 3, 3));
    gc.checkDirections((t, in) -> Linear.conv2d(t, in[0], in[1], in[2], Conv2dParams.of(1, 0)), DIRECTIONS,
        gc.param(1, 16, 12, 12), gc.param(8, 16, 1, 1), gc.param(8));
    Conv2dParams up = new Conv2dParams(2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    gc.checkDirections((t, in) -> Linear.convTranspose2d(t, in[0], in[1], in[2], up), DIRECTIONS,
        gc.param(1, 8, 8, 9), gc.param(8, 4, 3, 3), gc.param(4));
  }

  @Test
  void matmulAndLinear() {
    gc.checkDirections((t, in) -> Linear.matmul(t, in[0], in[1]), DIRECTIONS, gc.param(2, 33, 40), gc.param(40, 17));
    gc.checkDirections((t, in) -> Linear.linear(t, in[0], in[1], in[2]), DIRECTIONS, gc.param(64, 48), gc.param(32, 48),
        gc.param(32));
  }

  @Test
  void pointwiseAndReductions() {
    for (Unary op : new Unary[] {Unary.RELU, Unary.GELU, Unary.SILU, Unary.SIGMOID, Unary.TANH}) {
      gc.checkDirections((t, in) -> Pointwise.unary(t, op, in[0]), DIRECTIONS,
          GradCheck.param(gc.awayFromZero(4099), 4099));
    }
    gc.checkDirections((t, in) -> Pointwise.binary(t, Binary.MUL, in[0], in[1]), DIRECTIONS, gc.param(8, 16, 33),
        gc.param(16, 1));
    gc.checkDirections((t, in) -> Pointwise.binary(t, Binary.DIV, in[0], in[1]), DIRECTIONS, gc.param(8, 16, 33),
        GradCheck.param(gc.uniform(33, 0.5, 1.5), 33));
    gc.checkDirections((t, in) -> Pointwise.mean(t, in[0], new int[] {1}, false), DIRECTIONS, gc.param(8, 64, 9));
    gc.checkDirections((t, in) -> Pointwise.softmax(t, in[0], 1), DIRECTIONS, gc.param(16, 67));
  }

  @Test
  void normalization() {
    gc.checkDirections((t, in) -> Normalization.layerNorm(t, in[0], -1, in[1], in[2], 1e-5f), DIRECTIONS,
        gc.param(8, 16, 64), gc.param(64), gc.param(64));
    gc.checkDirections((t, in) -> Normalization.groupNorm(t, in[0], 4, in[1], in[2], 1e-5f), DIRECTIONS,
        gc.param(2, 16, 8, 9), gc.param(16), gc.param(16));
  }

  @Test
  void spatial() {
    gc.checkDirections((t, in) -> Spatial.resize(t, in[0], 33, 29, ResizeMode.BILINEAR, CoordMode.HALF_PIXEL,
        NearestMode.ROUND_PREFER_FLOOR), DIRECTIONS, gc.param(1, 3, 16, 16));
    gc.checkDirections((t, in) -> Spatial.resize(t, in[0], 9, 40, ResizeMode.NEAREST, CoordMode.ASYMMETRIC,
        NearestMode.FLOOR), DIRECTIONS, gc.param(2, 3, 16, 16));
    gc.checkDirections((t, in) -> Spatial.pixelShuffle(t, in[0], 2), DIRECTIONS, gc.param(1, 16, 9, 10));
    int h = 16;
    int w = 17;
    float[] grid = new float[20 * 21 * 2]; // [1,20,21,2]
    for (int i = 0; i < grid.length; i += 2) {
      grid[i] = (float) ((2 * safePixel(w) + 1) / w - 1);
      grid[i + 1] = (float) ((2 * safePixel(h) + 1) / h - 1);
    }
    gc.checkDirections((t, in) -> Spatial.gridSample(t, in[0], in[1], GridPadding.BORDER, false), DIRECTIONS,
        gc.param(1, 4, h, w), GradCheck.param(grid, 1, 20, 21, 2));
    float[] flow = new float[2 * h * w]; // [1,2,H,W]
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        flow[y * w + x] = (float) (safePixel(w) - x);
        flow[(h + y) * w + x] = (float) (safePixel(h) - y);
      }
    }
    gc.checkDirections((t, in) -> Spatial.warp(t, in[0], in[1], GridPadding.ZEROS), DIRECTIONS, gc.param(1, 3, h, w),
        GradCheck.param(flow, 1, 2, h, w));
  }

  @Test
  void attention() {
    gc.checkDirections((t, in) -> Attention.attention(t, in[0], in[1], in[2], null, Float.NaN), DIRECTIONS,
        gc.param(2, 16, 8), gc.param(2, 24, 8), gc.param(2, 24, 8));
  }

  /** As in SpatialGradTest: a pixel position clear of the sampling kinks by >= 0.15. */
  private double safePixel(int size) {
    double f = 0.15 + 0.2 * random.nextDouble();
    return random.nextInt(size + 1) - 1 + (random.nextBoolean() ? f : 1 - f);
  }
}
