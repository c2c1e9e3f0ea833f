package dev.worldfx.cli;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A small shot on disk for CLI tests: IN/%04d.png (panning texture, a moving square) and MATTE/%04d.png (the square). */
final class TestShot {
  private TestShot() {}

  static void write(Path dir, int first, int last, int w, int h) throws IOException {
    write(dir, "IN/%04d.png", "MATTE/%04d.png", w, h, first, last);
  }

  /** 8-bit PNGs {@code first..last} at {@code dir}/String.format(pattern, frame) for the source and the matte. */
  static void write(Path dir, String sourcePattern, String mattePattern, int w, int h, int first, int last)
      throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      for (int n = first; n <= last; n++) {
        int t = n - first;
        FrameView src = FrameView.allocate(arena, new RectI(0, 0, w, h), PixelDepth.BYTE, Components.RGBA);
        FrameView matte = FrameView.allocate(arena, new RectI(0, 0, w, h), PixelDepth.BYTE, Components.RGBA);
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            boolean square = x >= w / 5 + 3 * t && x < w / 5 + 3 * t + w / 6 && y >= 3 * h / 8 && y < 3 * h / 8 + h / 4;
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

  /** File names in {@code dir}, sorted; empty if it does not exist. */
  static List<String> listing(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Every file in {@code dir} is a whole PNG (decodes), and none is a temp file. */
  static List<String> wholePngs(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (String name : listing(dir)) {
      if (name.endsWith(".tmp") || name.startsWith(".")) {
        throw new AssertionError("temp file left in " + dir + ": " + name);
      }
      try (Arena arena = Arena.ofConfined()) {
        PngReader.read(arena, dir.resolve(name));
      } catch (IOException e) {
        throw new AssertionError(dir.resolve(name) + " is not a whole PNG: " + e.getMessage(), e);
      }
      names.add(name);
    }
    return names;
  }
}
