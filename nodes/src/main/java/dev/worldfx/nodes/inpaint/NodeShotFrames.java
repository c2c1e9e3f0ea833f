package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.MissingInputException;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.Shot;
import dev.worldfx.nodes.UnsupportedPixelsException;
import dev.worldfx.nodes.synthesis.ImagePlanes;

/**
 * The frames first..last of a render's shot as the solver reads them: fetched one at a time,
 * converted to float planes (row 0 = the bounds' first row) and given back to the host at once.
 * Every frame must have the bounds of the frame being rendered.
 */
final class NodeShotFrames implements ShotFrames {
  private final Shot shot;
  private final int matteSource;
  private final int first;
  private final int count;
  private final RectI bounds;

  NodeShotFrames(Shot shot, int matteSource, int first, int last, RectI bounds) {
    this.shot = shot;
    this.matteSource = matteSource;
    this.first = first;
    this.count = last - first + 1;
    this.bounds = bounds;
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public int width() {
    return bounds.width();
  }

  @Override
  public int height() {
    return bounds.height();
  }

  private FrameView fetch(String clip, int i) {
    int time = first + i;
    FrameView f = shot.frame(clip, time).orElseThrow(() -> new MissingInputException("Inpaint: no " + clip
        + " image at frame " + time + " of the shot " + first + "-" + (first + count - 1)
        + (clip.equals(ClipSpec.MASK) ? " (connect a Mask for every frame, or choose Source alpha / Source luminance)"
            : "")));
    if (!f.depth().supported()) {
      shot.release(f);
      throw new UnsupportedPixelsException(clip + " pixel depth " + f.depth() + " is not supported");
    }
    if (!clip.equals(ClipSpec.MASK) && !f.bounds().equals(bounds)) {
      shot.release(f);
      throw new MissingInputException("Inpaint: the " + clip + " frame at " + time + " is " + f.bounds()
          + " but the frame being rendered is " + bounds + "; every frame of a shot must have one size");
    }
    return f;
  }

  @Override
  public ImagePlanes rgb(int i) {
    FrameView f = fetch(ClipSpec.SOURCE, i);
    try {
      return planes(f, bounds);
    } finally {
      shot.release(f);
    }
  }

  @Override
  public float[] matte(int i) {
    if (matteSource == InpaintParams.MATTE_MASK_CLIP) {
      FrameView m = fetch(ClipSpec.MASK, i);
      try {
        return matte(matteSource, null, m, bounds);
      } finally {
        shot.release(m);
      }
    }
    FrameView f = fetch(ClipSpec.SOURCE, i);
    try {
      return matte(matteSource, f, null, bounds);
    } finally {
      shot.release(f);
    }
  }

  /** RGB of a frame over {@code b} as [3,H,W] planes. */
  static ImagePlanes planes(FrameView f, RectI b) {
    return ImagePlanes.rgbOf(f, b);
  }

  /** The raw matte over {@code b}: the Mask's alpha (0 outside the mask's bounds), the source alpha or luminance. */
  static float[] matte(int matteSource, FrameView src, FrameView mask, RectI b) {
    int w = b.width(), h = b.height();
    float[] m = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int fx = b.x1() + x, fy = b.y1() + y;
        m[y * w + x] = switch (matteSource) {
          case InpaintParams.MATTE_MASK_CLIP -> mask.bounds().contains(fx, fy) ? mask.alpha(fx, fy) : 0f;
          case InpaintParams.MATTE_SOURCE_ALPHA -> src.alpha(fx, fy);
          case InpaintParams.MATTE_SOURCE_LUMINANCE -> 0.2126f * src.sample(fx, fy, 0) + 0.7152f * src.sample(fx, fy, 1)
              + 0.0722f * src.sample(fx, fy, 2);
          default -> throw new IllegalArgumentException("matteSource index " + matteSource);
        };
      }
    }
    return m;
  }
}
