package dev.worldfx.cli;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/** Test footage: a panning texture with a moving white square to remove, and a matte that marks the square. */
final class MovingSquareShot {
  private MovingSquareShot() {}

  /** 8-bit PNGs {@code first..last} at {@code dir}/String.format(pattern, frame) for the source and the matte. */
  static void write(Path dir, String sourcePattern, String mattePattern, int width, int height, int first, int last)
      throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      for (int n = first; n <= last; n++) {
        int t = n - first;
        FrameView src = FrameView.allocate(arena, new RectI(0, 0, width, height), PixelDepth.BYTE, Components.RGBA);
        FrameView matte = FrameView.allocate(arena, new RectI(0, 0, width, height), PixelDepth.BYTE, Components.RGBA);
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            boolean square = x >= 8 + 3 * t && x < 14 + 3 * t && y >= 9 && y < 15;
            for (int c = 0; c < 3; c++) {
              double v = 0.5 + 0.3 * Math.sin((x + t) * 0.7 + c) * Math.cos(y * 0.5);
              src.store(x, y, c, square ? 1f : (float) v);
              matte.store(x, y, c, square ? 1f : 0f);
            }
            src.store(x, y, 3, 1f);
            matte.store(x, y, 3, 1f);
          }
        }
        PngWriter.write(src, dir.resolve(String.format(sourcePattern, n)), 8, false);
        PngWriter.write(matte, dir.resolve(String.format(mattePattern, n)), 8, false);
      }
    }
  }
}
