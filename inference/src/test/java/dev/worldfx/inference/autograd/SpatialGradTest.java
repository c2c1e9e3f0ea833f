package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops.CoordMode;
import dev.worldfx.inference.Ops.GridPadding;
import dev.worldfx.inference.Ops.NearestMode;
import dev.worldfx.inference.Ops.ResizeMode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Finite-difference checks of the spatial ops (tolerance: see GradCheck). */
class SpatialGradTest {
  private final GradCheck gc = new GradCheck(13);
  private final Random random = new Random(17);

  @AfterEach
  void close() {
    gc.close();
  }

  @ParameterizedTest
  @EnumSource(CoordMode.class)
  void resizeBilinearUpAndDown(CoordMode coord) {
    for (int[] size : new int[][] {{5, 7}, {2, 3}, {1, 4}, {3, 4}}) {
      gc.check((t, in) -> Spatial.resize(t, in[0], size[0], size[1], ResizeMode.BILINEAR, coord,
          NearestMode.ROUND_PREFER_FLOOR), gc.param(2, 1, 3, 4));
    }
  }

  @ParameterizedTest
  @EnumSource(NearestMode.class)
  void resizeNearestUpAndDown(NearestMode nearest) {
    for (CoordMode coord : CoordMode.values()) {
      for (int[] size : new int[][] {{7, 5}, {2, 2}, {4, 9}}) {
        gc.check((t, in) -> Spatial.resize(t, in[0], size[0], size[1], ResizeMode.NEAREST, coord, nearest),
            gc.param(1, 2, 4, 3));
      }
    }
  }

  @Test
  void pixelShuffle() {
    gc.check((t, in) -> Spatial.pixelShuffle(t, in[0], 2), gc.param(2, 8, 2, 3));
    gc.check((t, in) -> Spatial.pixelShuffle(t, in[0], 3), gc.param(1, 9, 2, 1));
  }

  @Test
  void padAndCrop() {
    gc.check((t, in) -> Spatial.pad(t, in[0], new int[] {0, 0, 1, 2, 0, 1, 2, 0}, 0.5f), gc.param(1, 2, 3, 4));
    // negative pads crop: rows -1 at the top, +1 bottom; columns +1 left, -2 right
    gc.check((t, in) -> Spatial.pad(t, in[0], new int[] {0, 0, -1, 1, 0, 0, 1, -2}, 0f), gc.param(1, 2, 3, 4));
  }

  @Test
  void concat() {
    gc.check((t, in) -> Spatial.concat(t, List.of(in[0], in[1], in[2]), 1), gc.param(2, 1, 3), gc.constant(2, 2, 3),
        gc.param(2, 3, 3));
    gc.check((t, in) -> Spatial.concat(t, List.of(in[0], in[1]), -1), gc.param(2, 3, 2), gc.param(2, 3, 1));
  }

  @Test
  void sliceWithStepsAndNegativeIndices() {
    gc.check((t, in) -> Spatial.slice(t, in[0], new int[] {1, 0}, new int[] {3, 5}, new int[] {1, 2}, new int[] {1, 2}),
        gc.param(2, 4, 5));
    // from the last column backwards by 2, past the start (end clamped to -1)
    gc.check((t, in) -> Spatial.slice(t, in[0], new int[] {-1}, new int[] {-100}, new int[] {-1}, new int[] {-2}),
        gc.param(2, 3, 5));
    gc.check((t, in) -> Spatial.slice(t, in[0], new int[] {1, -2}, new int[] {100, 3}, null, null), gc.param(3, 4));
  }

  @ParameterizedTest
  @EnumSource(GridPadding.class)
  void gridSample(GridPadding padding) {
    for (boolean align : new boolean[] {false, true}) {
      int h = 4;
      int w = 5;
      float[] grid = new float[2 * 3 * 4 * 2]; // [2,3,4,2]
      for (int i = 0; i < grid.length; i += 2) {
        // pixel positions clear of the kinks (integers; half-integers for reflection) by >= 0.15
        double px = safePixel(w);
        double py = safePixel(h);
        grid[i] = (float) (align ? 2 * px / (w - 1) - 1 : (2 * px + 1) / w - 1);
        grid[i + 1] = (float) (align ? 2 * py / (h - 1) - 1 : (2 * py + 1) / h - 1);
      }
      gc.check((t, in) -> Spatial.gridSample(t, in[0], in[1], padding, align), gc.param(2, 2, h, w),
          GradCheck.param(grid, 2, 3, 4, 2));
    }
  }

  @ParameterizedTest
  @EnumSource(GridPadding.class)
  void warp(GridPadding padding) {
    checkWarp(padding, 4, 5);
    checkWarp(padding, 1, 3); // a single row: reflection reads row 0 whatever the flow
    checkWarp(padding, 3, 1);
  }

  private void checkWarp(GridPadding padding, int h, int w) {
    float[] flow = new float[2 * 2 * h * w]; // [2,2,H,W]
    for (int n = 0; n < 2; n++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          flow[((n * 2) * h + y) * w + x] = (float) (safePixel(w) - x);
          flow[((n * 2 + 1) * h + y) * w + x] = (float) (safePixel(h) - y);
        }
      }
    }
    gc.check((t, in) -> Spatial.warp(t, in[0], in[1], padding), gc.param(2, 3, h, w), GradCheck.param(flow, 2, 2, h, w));
  }

  /** k + f, k in [-1, size - 1], f in [0.15, 0.35] or [0.65, 0.85]: inside and just outside the image. */
  private double safePixel(int size) {
    double f = 0.15 + 0.2 * random.nextDouble();
    return random.nextInt(size + 1) - 1 + (random.nextBoolean() ? f : 1 - f);
  }
}
