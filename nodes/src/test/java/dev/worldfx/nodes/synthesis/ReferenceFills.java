package dev.worldfx.nodes.synthesis;

/** Simple hole fills that PatchMatch must beat; test references only, never shipped. */
final class ReferenceFills {
  private ReferenceFills() {
  }

  /** Every hole pixel gets the mean of the known pixels 4-adjacent to the hole. */
  static ImagePlanes flat(ImagePlanes image, HoleMask hole) {
    int w = image.width(), h = image.height(), plane = image.plane();
    ImagePlanes out = image.copy();
    for (int c = 0; c < image.channels(); c++) {
      double sum = 0;
      int n = 0;
      for (int i = 0; i < plane; i++) {
        if (!hole.fill()[i] && touchesHole(hole, i % w, i / w, w, h)) {
          sum += image.data()[c * plane + i];
          n++;
        }
      }
      for (int i = 0; i < plane; i++) {
        if (hole.fill()[i]) {
          out.data()[c * plane + i] = (float) (sum / n);
        }
      }
    }
    return out;
  }

  private static boolean touchesHole(HoleMask hole, int x, int y, int w, int h) {
    return (x > 0 && hole.fill()[y * w + x - 1]) || (x < w - 1 && hole.fill()[y * w + x + 1])
        || (y > 0 && hole.fill()[(y - 1) * w + x]) || (y < h - 1 && hole.fill()[(y + 1) * w + x]);
  }

  /**
   * Harmonic inpainting: Δf = 0 in the hole, f = image on its border; Gauss–Seidel sweeps from
   * the flat fill until no pixel moves by more than 1e-6.
   */
  static ImagePlanes diffusion(ImagePlanes image, HoleMask hole) {
    int w = image.width(), h = image.height(), plane = image.plane();
    ImagePlanes out = flat(image, hole);
    float[] d = out.data();
    for (int c = 0; c < image.channels(); c++) {
      int base = c * plane;
      double moved = 1;
      while (moved > 1e-6) {
        moved = 0;
        for (int i = 0; i < plane; i++) {
          if (!hole.fill()[i]) {
            continue;
          }
          int x = i % w, y = i / w, n = 0;
          double s = 0;
          if (x > 0) { s += d[base + i - 1]; n++; }
          if (x < w - 1) { s += d[base + i + 1]; n++; }
          if (y > 0) { s += d[base + i - w]; n++; }
          if (y < h - 1) { s += d[base + i + w]; n++; }
          float v = (float) (s / n);
          moved = Math.max(moved, Math.abs(v - d[base + i]));
          d[base + i] = v;
        }
      }
    }
    return out;
  }
}
