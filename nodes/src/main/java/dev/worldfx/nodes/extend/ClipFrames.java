package dev.worldfx.nodes.extend;

import dev.worldfx.nodes.synthesis.ImagePlanes;

/** The frames of a clip as the extender reads them, in time order, all one size; read on demand. */
public interface ClipFrames {
  int count();

  int width();

  int height();

  /** RGB of frame i as [3,H,W] float planes; HDR values as they are. */
  ImagePlanes rgb(int i);

  /** Frames already in memory (at least one, all one size). */
  static ClipFrames of(java.util.List<ImagePlanes> frames) {
    java.util.List<ImagePlanes> all = java.util.List.copyOf(frames);
    ImagePlanes first = all.getFirst();
    return new ClipFrames() {
      public int count() {
        return all.size();
      }

      public int width() {
        return first.width();
      }

      public int height() {
        return first.height();
      }

      public ImagePlanes rgb(int i) {
        return all.get(i);
      }
    };
  }

  /** The first {@code n} frames of this clip. */
  default ClipFrames head(int n) {
    ClipFrames all = this;
    return new ClipFrames() {
      public int count() {
        return Math.min(n, all.count());
      }

      public int width() {
        return all.width();
      }

      public int height() {
        return all.height();
      }

      public ImagePlanes rgb(int i) {
        return all.rgb(i);
      }
    };
  }

  /** This clip played backwards (to extend a shot before its start). */
  default ClipFrames reversed() {
    ClipFrames all = this;
    return new ClipFrames() {
      public int count() {
        return all.count();
      }

      public int width() {
        return all.width();
      }

      public int height() {
        return all.height();
      }

      public ImagePlanes rgb(int i) {
        return all.rgb(all.count() - 1 - i);
      }
    };
  }
}
