package dev.worldfx.inference.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.CoordMode;
import dev.worldfx.inference.Ops.NearestMode;
import dev.worldfx.inference.Ops.ResizeMode;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The resize reference against values worked by hand from the ONNX Resize definitions: source coordinate per
 * coordinate_transformation_mode, then nearest rounding, linear weights or Keys' cubic weights with edge-clamped taps.
 * One-row images make each case a 1-D resize along W (H keeps its size, which maps every row onto itself).
 */
class RefResizeTest {
  private static final float A = -0.75f;
  private final Arena arena = Arena.ofConfined();
  private final Ops ops = new ReferenceOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  private float[] row(float[] in, int outW, ResizeMode mode, CoordMode coord, NearestMode nearest, float a) {
    return ops.resize(Tensor.of(arena, in, 1, 1, 1, in.length), 1, outW, mode, coord, nearest, a).toArray();
  }

  private float[] linear(float[] in, int outW, CoordMode coord) {
    return row(in, outW, ResizeMode.BILINEAR, coord, NearestMode.ROUND_PREFER_FLOOR, A);
  }

  @Test
  void linearUpsamplingPerCoordinateMode() {
    float[] in = {1, 2};
    // half_pixel: x = (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25; outside [0, 1] the taps clamp to the edge
    assertArrayEquals(new float[] {1, 1.25f, 1.75f, 2}, linear(in, 4, CoordMode.HALF_PIXEL));
    assertArrayEquals(new float[] {1, 1.25f, 1.75f, 2}, linear(in, 4, CoordMode.PYTORCH_HALF_PIXEL));
    // align_corners: x = i * (2 - 1) / (4 - 1)
    assertArrayEquals(new float[] {1, (float) (4.0 / 3), (float) (5.0 / 3), 2}, linear(in, 4, CoordMode.ALIGN_CORNERS));
    // asymmetric: x = i / 2
    assertArrayEquals(new float[] {1, 1.5f, 2, 2}, linear(in, 4, CoordMode.ASYMMETRIC));
  }

  @Test
  void linearDownsamplingAveragesPairs() {
    // half_pixel halving: x = 2i + 0.5, midway between pixels 2i and 2i + 1
    assertArrayEquals(new float[] {1.5f, 5.5f, 10}, linear(new float[] {1, 2, 5, 6, 9, 11}, 3, CoordMode.HALF_PIXEL));
  }

  @Test
  void singleOutputPixel() {
    float[] in = {1, 2, 4, 8};
    // pytorch_half_pixel and align_corners map a length-1 output to x = 0
    assertArrayEquals(new float[] {1}, row(in, 1, ResizeMode.BICUBIC, CoordMode.PYTORCH_HALF_PIXEL, NearestMode.FLOOR, A));
    assertArrayEquals(new float[] {1}, linear(in, 1, CoordMode.ALIGN_CORNERS));
    // half_pixel: x = 0.5 * 4 - 0.5 = 1.5
    assertArrayEquals(new float[] {3}, linear(in, 1, CoordMode.HALF_PIXEL));
  }

  @Test
  void nearestModesAtAHalf() {
    float[] in = {10, 20, 30};
    // align_corners 3 -> 5: x = 0, 0.5, 1, 1.5, 2
    float[] floorFirst = {10, 10, 20, 20, 30};
    float[] ceilFirst = {10, 20, 20, 30, 30};
    assertArrayEquals(floorFirst, row(in, 5, ResizeMode.NEAREST, CoordMode.ALIGN_CORNERS, NearestMode.ROUND_PREFER_FLOOR, A));
    assertArrayEquals(ceilFirst, row(in, 5, ResizeMode.NEAREST, CoordMode.ALIGN_CORNERS, NearestMode.ROUND_PREFER_CEIL, A));
    assertArrayEquals(floorFirst, row(in, 5, ResizeMode.NEAREST, CoordMode.ALIGN_CORNERS, NearestMode.FLOOR, A));
    assertArrayEquals(ceilFirst, row(in, 5, ResizeMode.NEAREST, CoordMode.ALIGN_CORNERS, NearestMode.CEIL, A));
  }

  @Test
  void nearestModesOffHalf() {
    float[] in = {10, 20};
    // asymmetric 2 -> 3: x = i / 1.5 = 0, 0.667, 1.333; ceil of 1.333 is 2, clamped to the last pixel
    assertArrayEquals(new float[] {10, 20, 20}, row(in, 3, ResizeMode.NEAREST, CoordMode.ASYMMETRIC, NearestMode.ROUND_PREFER_FLOOR, A));
    assertArrayEquals(new float[] {10, 20, 20}, row(in, 3, ResizeMode.NEAREST, CoordMode.ASYMMETRIC, NearestMode.ROUND_PREFER_CEIL, A));
    assertArrayEquals(new float[] {10, 10, 20}, row(in, 3, ResizeMode.NEAREST, CoordMode.ASYMMETRIC, NearestMode.FLOOR, A));
    assertArrayEquals(new float[] {10, 20, 20}, row(in, 3, ResizeMode.NEAREST, CoordMode.ASYMMETRIC, NearestMode.CEIL, A));
    // half_pixel 2 -> 1: x = 0.5; prefer-floor picks 0, prefer-ceil 1
    assertArrayEquals(new float[] {10}, row(in, 1, ResizeMode.NEAREST, CoordMode.HALF_PIXEL, NearestMode.ROUND_PREFER_FLOOR, A));
    assertArrayEquals(new float[] {20}, row(in, 1, ResizeMode.NEAREST, CoordMode.HALF_PIXEL, NearestMode.ROUND_PREFER_CEIL, A));
  }

  @Test
  void bicubicKeysWeightsWithEdgeClampedTaps() {
    // asymmetric 4 -> 8: x = i / 2. At t = 1/2 Keys' weights with A = -0.75 are (-3/32, 19/32, 19/32, -3/32); at integer
    // x the weights are (0, 1, 0, 0). Taps beyond the row repeat the edge pixel (exclude_outside = 0).
    float[] in = {1, 2, 4, 8};
    float a = -3f / 32;
    float b = 19f / 32;
    float[] want = {
      1, a * 1 + b * 1 + b * 2 + a * 4, 2, a * 1 + b * 2 + b * 4 + a * 8, 4, a * 2 + b * 4 + b * 8 + a * 8, 8,
      a * 4 + b * 8 + b * 8 + a * 8};
    assertArrayEquals(want, row(in, 8, ResizeMode.BICUBIC, CoordMode.ASYMMETRIC, NearestMode.FLOOR, A));
  }

  @Test
  void bicubicCoefficientA() {
    // A = -0.5 at t = 1/2: weights (-1/16, 9/16, 9/16, -1/16); x = 1.5 between 2 and 4
    float[] out = row(new float[] {1, 2, 4, 8}, 8, ResizeMode.BICUBIC, CoordMode.ASYMMETRIC, NearestMode.FLOOR, -0.5f);
    assertArrayEquals(new float[] {-1f / 16 + 9f / 16 * 2 + 9f / 16 * 4 - 8f / 16}, new float[] {out[3]});
  }

  @Test
  void bothAxesAndEveryPlane() {
    // 2x2 -> 3x3 align_corners: corners kept, edge midpoints and the centre are averages; planes are independent
    float[] in = {1, 3, 5, 7, /* plane 2 */ 0, 4, 8, 12};
    Tensor y = ops.resize(Tensor.of(arena, in, 1, 2, 2, 2), 3, 3, ResizeMode.BILINEAR, CoordMode.ALIGN_CORNERS,
        NearestMode.FLOOR, A);
    assertArrayEquals(new int[] {1, 2, 3, 3}, y.shape());
    assertArrayEquals(new float[] {1, 2, 3, 3, 4, 5, 5, 6, 7, 0, 2, 4, 4, 6, 8, 8, 10, 12}, y.toArray());
  }

  @Test
  void constantImagesStayConstant() {
    // the weights of every mode sum to one, so a constant plane resizes to itself exactly
    float[] in = new float[2 * 3 * 5 * 4];
    for (int i = 0; i < in.length; i++) {
      in[i] = 0.25f + i / 20; // one constant per plane
    }
    Tensor x = Tensor.of(arena, in, 2, 3, 5, 4);
    for (ResizeMode mode : ResizeMode.values()) {
      for (CoordMode coord : CoordMode.values()) {
        float[] y = ops.resize(x, 7, 3, mode, coord, NearestMode.ROUND_PREFER_CEIL, A).toArray();
        for (int i = 0; i < y.length; i++) {
          assertArrayEquals(new float[] {0.25f + i / 21}, new float[] {y[i]}, mode + " " + coord + " at " + i);
        }
      }
    }
  }

  @Test
  void explicitScalesDriveTheCoordinates() {
    // ONNX with scales 0.6 on a 2x4 image: out 1x2 and half_pixel x = (i + 0.5) / 0.6 - 0.5 (not / 0.5)
    float s = 0.6f;
    double y = 0.5 / s - 0.5;
    double x1 = 1.5 / s - 0.5;
    Tensor img = Tensor.of(arena, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 2, 4);
    Tensor out = RefSpatial.resize(new OpContext(arena, ops, ops), img, 1, 2, s, s, ResizeMode.BILINEAR,
        CoordMode.HALF_PIXEL, NearestMode.FLOOR, A);
    // value(y, x) = 1 + x + 4 y on this image
    assertArrayEquals(new float[] {(float) (1 + y + 4 * y), (float) (1 + x1 + 4 * y)}, out.toArray(), 1e-6f);
  }

  @Test
  void badArguments() {
    Tensor x = Tensor.zeros(arena, 1, 2, 3);
    assertThrows(IllegalArgumentException.class,
        () -> ops.resize(x, 2, 2, ResizeMode.BILINEAR, CoordMode.HALF_PIXEL, NearestMode.FLOOR, A));
    Tensor img = Tensor.zeros(arena, 1, 1, 2, 2);
    assertThrows(IllegalArgumentException.class,
        () -> ops.resize(img, -1, 2, ResizeMode.BILINEAR, CoordMode.HALF_PIXEL, NearestMode.FLOOR, A));
    Tensor empty = Tensor.zeros(arena, 1, 1, 0, 2);
    assertThrows(IllegalArgumentException.class,
        () -> ops.resize(empty, 2, 2, ResizeMode.BILINEAR, CoordMode.HALF_PIXEL, NearestMode.FLOOR, A));
  }
}
