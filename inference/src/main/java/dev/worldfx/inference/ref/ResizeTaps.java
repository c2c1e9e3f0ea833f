package dev.worldfx.inference.ref;

import dev.worldfx.inference.Ops;

/**
 * ONNX Resize along one axis (onnx/reference/ops/op_resize.py, exclude_outside = 0): for every output index, the k
 * input indices it reads (edge-clamped) and their weights, worked out in double as the ONNX reference does. Nearest
 * has one tap of weight 1, linear two, cubic four. Shared by the reference and the fast kernel.
 */
public record ResizeTaps(int k, int[] index, double[] weight) {
  /**
   * Taps for {@code outLen} outputs from {@code inLen} inputs. {@code scale} is the ONNX scale: out / in when the
   * model gives sizes, the given scale when it gives scales (then out = floor(in * scale), and the two differ).
   */
  public static ResizeTaps of(Ops.ResizeMode mode, Ops.CoordMode coord, Ops.NearestMode nearest, float cubicA,
      double scale, int inLen, int outLen) {
    int k = switch (mode) {
      case NEAREST -> 1;
      case BILINEAR -> 2;
      case BICUBIC -> 4;
    };
    int[] index = new int[outLen * k];
    double[] weight = new double[outLen * k];
    double a = cubicA;
    for (int o = 0; o < outLen; o++) {
      double src = sourceCoordinate(coord, o, scale, inLen, outLen);
      double f = Math.floor(src);
      double t = src - f; // in [0, 1); ONNX's ratio 1 at integers, with its taps one to the left, gives the same sums
      int i0 = (int) Math.max(-3, Math.min(f, inLen + 2)); // further out every tap clamps to the edge anyway
      int j = o * k;
      switch (mode) {
        case NEAREST -> {
          index[j] = clamp(roundsUp(nearest, t) ? i0 + 1 : i0, inLen);
          weight[j] = 1;
        }
        case BILINEAR -> {
          index[j] = clamp(i0, inLen);
          index[j + 1] = clamp(i0 + 1, inLen);
          weight[j] = 1 - t;
          weight[j + 1] = t;
        }
        case BICUBIC -> {
          double u = 1 - t;
          for (int i = 0; i < 4; i++) {
            index[j + i] = clamp(i0 - 1 + i, inLen);
          }
          // Keys' cubic convolution at distances 1 + t, t, 1 - t, 2 - t (ONNX _cubic_coeffs)
          weight[j] = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
          weight[j + 1] = ((a + 2) * t - (a + 3)) * t * t + 1;
          weight[j + 2] = ((a + 2) * u - (a + 3)) * u * u + 1;
          weight[j + 3] = ((a * (u + 1) - 5 * a) * (u + 1) + 8 * a) * (u + 1) - 4 * a;
        }
      }
    }
    return new ResizeTaps(k, index, weight);
  }

  /** ONNX coordinate_transformation_mode: output index to input coordinate. */
  private static double sourceCoordinate(Ops.CoordMode coord, int xOut, double scale, int inLen, int outLen) {
    return switch (coord) {
      case HALF_PIXEL -> (xOut + 0.5) / scale - 0.5;
      // the spec's 0 for a single output (onnx.reference uses -0.5: the same for nearest and linear, not for cubic)
      case PYTORCH_HALF_PIXEL -> outLen > 1 ? (xOut + 0.5) / scale - 0.5 : 0;
      // ONNX divides by the scaled length (scale * in), which is not outLen when the model gives scales
      case ALIGN_CORNERS -> outLen == 1 ? 0 : xOut * (double) (inLen - 1) / (scale * inLen - 1);
      case ASYMMETRIC -> xOut / scale;
    };
  }

  /** ONNX nearest_mode: whether fractional part t of the source coordinate picks the upper pixel. */
  private static boolean roundsUp(Ops.NearestMode nearest, double t) {
    if (t == 0) {
      return false;
    }
    return switch (nearest) {
      case ROUND_PREFER_FLOOR -> t > 0.5;
      case ROUND_PREFER_CEIL -> t >= 0.5;
      case FLOOR -> false;
      case CEIL -> true;
    };
  }

  private static int clamp(int i, int len) {
    return Math.max(0, Math.min(i, len - 1));
  }
}
