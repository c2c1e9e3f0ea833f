package dev.worldfx.nodes.synthesis;

import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;

/**
 * A planar float image: {@code data} is [C,H,W] row-major, row 0 first (the synthesis code
 * never cares whether row 0 is the top or the bottom). Values are taken as they are: HDR and
 * negative values pass through unchanged.
 */
public record ImagePlanes(int channels, int height, int width, float[] data) {

  public ImagePlanes {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("image must have at least one channel and one pixel, got [" + channels + ","
          + height + "," + width + "]");
    }
    if ((long) channels * height * width != data.length) {
      throw new IllegalArgumentException(data.length + " values do not fill [" + channels + "," + height + "," + width
          + "]");
    }
  }

  /** An image from a contiguous or strided tensor of shape [C,H,W] or [1,C,H,W] (copied). */
  public static ImagePlanes fromTensor(Tensor t) {
    int[] s = t.shape();
    if (s.length == 4 && s[0] == 1) {
      return new ImagePlanes(s[1], s[2], s[3], t.toArray());
    }
    if (s.length == 3) {
      return new ImagePlanes(s[0], s[1], s[2], t.toArray());
    }
    throw new IllegalArgumentException("expected a [C,H,W] or [1,C,H,W] tensor, got " + Arrays.toString(s));
  }

  /** RGB of a frame over {@code b} as [3,H,W] planes, row 0 = the bounds' first row (y1). */
  public static ImagePlanes rgbOf(dev.worldfx.nodes.FrameView f, dev.worldfx.nodes.RectI b) {
    int w = b.width(), h = b.height(), plane = w * h;
    float[] d = new float[3 * plane];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          d[c * plane + y * w + x] = f.sample(b.x1() + x, b.y1() + y, c);
        }
      }
    }
    return new ImagePlanes(3, h, w, d);
  }

  /** Stores the planes into the RGB of {@code out} over {@code b} (the inverse of {@link #rgbOf}). */
  public void storeInto(dev.worldfx.nodes.FrameView out, dev.worldfx.nodes.RectI b) {
    int w = b.width(), plane = w * b.height();
    for (int y = 0; y < b.height(); y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          out.store(b.x1() + x, b.y1() + y, c, data[c * plane + y * w + x]);
        }
      }
    }
  }

  /** A [1,C,H,W] F32 tensor holding a copy of the pixels. */
  public Tensor toTensor(Arena arena) {
    return Tensor.of(arena, data, 1, channels, height, width);
  }

  int plane() {
    return height * width;
  }

  ImagePlanes copy() {
    return new ImagePlanes(channels, height, width, data.clone());
  }

  void requireSameSize(ImagePlanes other, String what) {
    if (other.channels != channels || other.height != height || other.width != width) {
      throw new IllegalArgumentException(what + " is [" + other.channels + "," + other.height + "," + other.width
          + "] but the image is [" + channels + "," + height + "," + width + "]");
    }
  }
}
