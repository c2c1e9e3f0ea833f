package dev.worldfx.cli.exr;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Float frames built from and compared as bit patterns, so NaN payloads cannot hide behind float compares. */
final class ExrFrames {
  private ExrFrames() {}

  interface Bits {
    int at(int x, int y, int c);
  }

  /** A w x h float RGBA frame whose sample (x, y, c) has the bit pattern {@code bits.at(x, y, c)} (y = 0 bottom). */
  static FrameView frame(Arena arena, int w, int h, Bits bits) {
    long rowBytes = (long) w * 16;
    MemorySegment s = arena.allocate(rowBytes * h, 16);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 4; c++) {
          s.set(JAVA_INT_UNALIGNED, y * rowBytes + x * 16L + c * 4L, bits.at(x, y, c));
        }
      }
    }
    return FrameView.wrap(s, new RectI(0, 0, w, h), rowBytes, PixelDepth.FLOAT, Components.RGBA);
  }

  /** The raw bits of a float RGBA frame, copied as bytes: [y][x][c] flattened, y = 0 bottom. */
  static int[] bits(FrameView f) {
    RectI b = f.bounds();
    try (Arena a = Arena.ofConfined()) {
      long rowBytes = (long) b.width() * 16;
      MemorySegment s = a.allocate(rowBytes * b.height(), 16);
      FrameView.wrap(s, b, rowBytes, PixelDepth.FLOAT, Components.RGBA).copyRowsFrom(f, b.y1(), b.y2(), b.x1(), b.x2());
      int[] out = new int[b.width() * b.height() * 4];
      MemorySegment.copy(s, JAVA_INT_UNALIGNED, 0, out, 0, out.length);
      return out;
    }
  }

  /** A plane over a w x h data window, top row first, from {@code bits.at(col, row, 0)} (row 0 = top). */
  static ExrWriter.Plane plane(Arena arena, String name, ExrPixelType type, int w, int h, Bits bits) {
    MemorySegment s = arena.allocate((long) w * h * type.bytes, 16);
    for (int row = 0; row < h; row++) {
      for (int col = 0; col < w; col++) {
        long off = ((long) row * w + col) * type.bytes;
        if (type == ExrPixelType.HALF) {
          s.set(JAVA_SHORT_UNALIGNED, off, (short) bits.at(col, row, 0));
        } else {
          s.set(JAVA_INT_UNALIGNED, off, bits.at(col, row, 0));
        }
      }
    }
    return new ExrWriter.Plane(name, type, s);
  }

  /** A reproducible "random" bit pattern: every class of float (NaNs with payloads, infinities, subnormals) occurs. */
  static int noise(int x, int y, int c, int seed) {
    long z = (x * 0x9E3779B97F4A7C15L) ^ (y * 0xC2B2AE3D27D4EB4FL) ^ (c * 0x165667B19E3779F9L) ^ seed;
    z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
    return (int) (z ^ (z >>> 29));
  }
}
