package dev.worldfx.inference.ref;

import dev.worldfx.inference.Ops;

/**
 * Grid-sample coordinates as ATen's GridSampler.h computes them, in float32 and in the same order, so that taps and
 * rounding decisions are PyTorch's: normalised [-1, 1] to pixel coordinates, then the padding mode, with the
 * derivatives the backward needs. A NaN coordinate stays NaN and so samples nothing. Shared by the reference and the
 * fast kernels.
 */
public final class GridCoordinates {
  private GridCoordinates() {}

  /** Normalised to pixel coordinate: -1 and 1 are the outer pixel centres when aligned, the outer edges if not. */
  public static float unnormalize(float coord, int size, boolean alignCorners) {
    return alignCorners ? ((coord + 1) / 2) * (size - 1) : ((coord + 1) * size - 1) / 2;
  }

  /** d unnormalize / d coord. */
  public static float unnormalizeGrad(int size, boolean alignCorners) {
    return alignCorners ? (size - 1) / 2f : size / 2f;
  }

  /** The padding mode applied to a pixel coordinate: as is, clamped to the border, or mirrored then clamped. */
  public static float padded(float p, int size, Ops.GridPadding padding, boolean alignCorners) {
    return switch (padding) {
      case ZEROS -> p;
      case BORDER -> clip(p, size);
      case REFLECTION -> clip(alignCorners ? reflect(p, 0, 2 * (size - 1)) : reflect(p, -1, 2 * size - 1), size);
    };
  }

  /** d padded(p) / dp: 0 where clamped (borders included, as ATen), -1 on mirrored stretches. */
  public static float paddedGrad(float p, int size, Ops.GridPadding padding, boolean alignCorners) {
    return switch (padding) {
      case ZEROS -> 1;
      case BORDER -> clipGrad(p, size);
      case REFLECTION -> {
        int twiceLow = alignCorners ? 0 : -1;
        int twiceHigh = alignCorners ? 2 * (size - 1) : 2 * size - 1;
        yield reflectGrad(p, twiceLow, twiceHigh) * clipGrad(reflect(p, twiceLow, twiceHigh), size);
      }
    };
  }

  private static float clip(float p, int size) {
    if (p <= 0) {
      return 0;
    }
    float max = size - 1;
    return p >= max ? max : p;
  }

  private static float clipGrad(float p, int size) {
    return p <= 0 || p >= size - 1 ? 0 : 1;
  }

  /** Mirrors p about twiceLow / 2 and twiceHigh / 2 until it lies between them. */
  private static float reflect(float p, int twiceLow, int twiceHigh) {
    if (twiceLow == twiceHigh) {
      return 0;
    }
    float min = twiceLow / 2f;
    float span = (twiceHigh - twiceLow) / 2f;
    float d = Math.abs(p - min);
    float extra = d % span; // C fmod
    int flips = (int) Math.floor(d / span);
    return flips % 2 == 0 ? extra + min : span - extra + min;
  }

  private static float reflectGrad(float p, int twiceLow, int twiceHigh) {
    if (twiceLow == twiceHigh) {
      return 0;
    }
    float min = twiceLow / 2f;
    float span = (twiceHigh - twiceLow) / 2f;
    float d = p - min;
    float sign = d < 0 ? -1 : 1;
    int flips = (int) Math.floor(Math.abs(d) / span);
    return flips % 2 == 0 ? sign : -sign;
  }
}
