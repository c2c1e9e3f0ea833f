package dev.worldfx.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** copyRowsFrom: the one-memcpy path for contiguous bands must equal the row-by-row path. */
class FrameViewBulkCopyTest {
  private static final int W = 300;
  private static final int H = 200; // 300*200*4*4 bytes: well above the native memcpy threshold

  /** A float RGBA image stored top-down (positive rowBytes) or bottom-up (negative). */
  private static FrameView image(Arena arena, RectI b, boolean bottomUp, long pad, int seed) {
    long row = (long) b.width() * 16 + pad;
    MemorySegment mem = arena.allocate(row * b.height(), 16);
    for (long i = 0; i < mem.byteSize() / 4; i++) {
      mem.setAtIndex(ValueLayout.JAVA_INT, i, (int) (i * 2654435761L + seed));
    }
    MemorySegment origin = bottomUp ? mem.asSlice(row * (b.height() - 1)) : mem;
    return FrameView.wrap(origin, b, bottomUp ? -row : row, PixelDepth.FLOAT, Components.RGBA);
  }

  private static void assertSamePixels(FrameView a, FrameView b, RectI window) {
    for (int y = window.y1(); y < window.y2(); y++) {
      for (int x = window.x1(); x < window.x2(); x++) {
        for (int c = 0; c < 4; c++) {
          assertEquals(Float.floatToRawIntBits(a.sample(x, y, c)), Float.floatToRawIntBits(b.sample(x, y, c)),
              "pixel " + x + "," + y + " channel " + c);
        }
      }
    }
  }

  @Test
  void contiguousBandsCopyExactlyInBothRowOrders() {
    RectI b = new RectI(0, 0, W, H);
    for (boolean bottomUp : new boolean[] {false, true}) {
      try (Arena arena = Arena.ofConfined()) {
        FrameView src = image(arena, b, bottomUp, 0, 1);
        FrameView dst = image(arena, b, bottomUp, 0, 2);
        dst.copyRowsFrom(src, 0, 100, 0, W);
        dst.copyRowsFrom(src, 100, H, 0, W);
        assertSamePixels(src, dst, b);
      }
    }
  }

  @Test
  void mixedRowOrdersAndPaddingFallBackToRowsAndStayExact() {
    RectI b = new RectI(-3, 5, W - 3, H + 5);
    try (Arena arena = Arena.ofConfined()) {
      FrameView src = image(arena, b, true, 0, 3);
      FrameView dst = image(arena, b, false, 64, 4);
      dst.copyRowsFrom(src, 5, H + 5, -3, W - 3);
      assertSamePixels(src, dst, b);
    }
  }

  @Test
  void aPartialBandLeavesOtherRowsAlone() {
    RectI b = new RectI(0, 0, W, H);
    try (Arena arena = Arena.ofConfined()) {
      FrameView src = image(arena, b, false, 0, 5);
      FrameView dst = image(arena, b, false, 0, 6);
      FrameView untouched = image(arena, b, false, 0, 6);
      dst.copyRowsFrom(src, 40, 80, 0, W);
      assertSamePixels(src, dst, new RectI(0, 40, W, 80));
      assertSamePixels(untouched, dst, new RectI(0, 0, W, 40));
      assertSamePixels(untouched, dst, new RectI(0, 80, W, H));
    }
  }

  @Test
  void bulkCopyHandlesOverlapLikeMemmove() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(1 << 20);
      for (int i = 0; i < (1 << 18); i++) {
        m.setAtIndex(ValueLayout.JAVA_INT, i, i);
      }
      BulkCopy.copy(m, 0, m, 4096, (1 << 20) - 4096);
      for (int i = 1024; i < (1 << 18); i += 4099) {
        assertEquals(i - 1024, m.getAtIndex(ValueLayout.JAVA_INT, i));
      }
      assertTrue(BulkCopy.NATIVE_THRESHOLD_BYTES < (1 << 20));
    }
  }
}
