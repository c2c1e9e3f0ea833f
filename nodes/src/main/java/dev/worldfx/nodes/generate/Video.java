package dev.worldfx.nodes.generate;

import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.util.List;

/**
 * A clip as one array: {@code data} is [T,H,W,C] with the channels interleaved, so a space-time
 * patch's rows are contiguous runs of memory for the patch distance. Values as they are (HDR passes).
 */
public record Video(int frames, int height, int width, int channels, float[] data) {

  public Video {
    if (frames < 1 || height < 1 || width < 1 || channels < 1) {
      throw new IllegalArgumentException("a video needs at least one frame, pixel and channel, got [" + frames + ","
          + height + "," + width + "," + channels + "]");
    }
    if ((long) frames * height * width * channels != data.length) {
      throw new IllegalArgumentException(data.length + " values do not fill [" + frames + "," + height + "," + width
          + "," + channels + "]");
    }
  }

  /** The frames, all one size, stacked in order. */
  public static Video of(List<ImagePlanes> frames) {
    ImagePlanes first = frames.getFirst();
    int c = first.channels(), h = first.height(), w = first.width(), plane = h * w;
    float[] d = new float[frames.size() * plane * c];
    for (int t = 0; t < frames.size(); t++) {
      ImagePlanes f = frames.get(t);
      if (f.channels() != c || f.height() != h || f.width() != w) {
        throw new IllegalArgumentException("frame " + t + " is [" + f.channels() + "," + f.height() + "," + f.width()
            + "] but frame 0 is [" + c + "," + h + "," + w + "]; every frame of a shot must have one size");
      }
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0; i < plane; i++) {
          d[(t * plane + i) * c + ch] = f.data()[ch * plane + i];
        }
      }
    }
    return new Video(frames.size(), h, w, c, d);
  }

  /** Frame {@code t} as [C,H,W] planes. */
  public ImagePlanes frame(int t) {
    int plane = height * width;
    float[] d = new float[channels * plane];
    int base = t * plane * channels;
    for (int i = 0; i < plane; i++) {
      for (int ch = 0; ch < channels; ch++) {
        d[ch * plane + i] = data[base + i * channels + ch];
      }
    }
    return new ImagePlanes(channels, height, width, d);
  }

  int frameValues() {
    return height * width * channels;
  }

  /**
   * This video resampled to [t,h,w], one axis after the other: area averaging (a box filter with
   * fractional end weights) where an axis shrinks, so a pyramid level does not alias; linear
   * interpolation between sample centres where it grows. Fixed summation order: bit-reproducible.
   * Always a new array, never a view of this one.
   */
  public Video resized(int t, int h, int w) {
    float[] d = resample(t == frames ? data.clone() : data, 1, frames, height * width * channels, t);
    d = resample(d, t, height, width * channels, h);
    d = resample(d, t * h, width, channels, w);
    return new Video(t, h, w, channels, d);
  }

  /** Resamples the middle axis of an [outer, n, inner] array to length m. */
  private static float[] resample(float[] src, int outer, int n, int inner, int m) {
    if (n == m) {
      return src;
    }
    int[][] taps = new int[m][];
    float[][] weights = new float[m][];
    if (m < n) {
      double scale = (double) n / m;
      for (int i = 0; i < m; i++) {
        double lo = i * scale, hi = (i + 1) * scale;
        int j0 = (int) Math.floor(lo), j1 = Math.min(n, (int) Math.ceil(hi));
        taps[i] = new int[j1 - j0];
        weights[i] = new float[j1 - j0];
        for (int j = j0; j < j1; j++) {
          taps[i][j - j0] = j;
          weights[i][j - j0] = (float) ((Math.min(hi, j + 1) - Math.max(lo, j)) / scale);
        }
      }
    } else {
      for (int i = 0; i < m; i++) {
        double s = Math.clamp((i + 0.5) * n / m - 0.5, 0, n - 1);
        int j0 = (int) Math.floor(s), j1 = Math.min(j0 + 1, n - 1);
        float f = (float) (s - j0);
        taps[i] = new int[] {j0, j1};
        weights[i] = new float[] {1f - f, f};
      }
    }
    float[] dst = new float[outer * m * inner];
    for (int a = 0; a < outer; a++) {
      for (int i = 0; i < m; i++) {
        int out = (a * m + i) * inner;
        for (int k = 0; k < taps[i].length; k++) {
          int in = (a * n + taps[i][k]) * inner;
          float wk = weights[i][k];
          for (int b = 0; b < inner; b++) {
            dst[out + b] += wk * src[in + b];
          }
        }
      }
    }
    return dst;
  }
}
