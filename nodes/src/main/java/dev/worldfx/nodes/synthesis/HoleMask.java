package dev.worldfx.nodes.synthesis;

/**
 * Which pixels to synthesise: {@code fill[y * width + x]} is true for a pixel to fill.
 * Built from a float matte with {@link #fromMatte}: a value of 0.5 or more means fill.
 */
public record HoleMask(int height, int width, boolean[] fill) {

  public HoleMask {
    if (height < 1 || width < 1 || (long) height * width != fill.length) {
      throw new IllegalArgumentException(fill.length + " flags do not fill a " + width + "x" + height + " mask");
    }
  }

  /** A mask from a matte plane [H,W] where 1 = fill; values at or above 0.5 count as fill. */
  public static HoleMask fromMatte(int height, int width, float[] matte) {
    if ((long) height * width != matte.length) {
      throw new IllegalArgumentException(matte.length + " matte values do not fill a " + width + "x" + height + " mask");
    }
    boolean[] f = new boolean[matte.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = matte[i] >= 0.5f;
    }
    return new HoleMask(height, width, f);
  }

  public int count() {
    int n = 0;
    for (boolean b : fill) {
      n += b ? 1 : 0;
    }
    return n;
  }

  void requireFits(ImagePlanes image) {
    if (image.height() != height || image.width() != width) {
      throw new IllegalArgumentException("mask is " + width + "x" + height + " but the image is " + image.width() + "x"
          + image.height());
    }
  }
}
