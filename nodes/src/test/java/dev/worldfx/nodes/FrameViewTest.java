package dev.worldfx.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FrameViewTest {
  /** Not at 0 on purpose: hosts hand images whose bounds start anywhere. */
  private static final RectI BOUNDS = new RectI(-5, 7, 6, 13);

  private final Arena arena = Arena.ofConfined();

  @AfterEach
  void close() {
    arena.close();
  }

  @ParameterizedTest
  @EnumSource(value = PixelDepth.class, names = {"BYTE", "SHORT", "FLOAT"})
  void topDownBottomUpAndPaddedLayoutsReadTheSame(PixelDepth depth) {
    RawImage topDown = RawImage.of(arena, BOUNDS, depth, Components.RGBA, 0, false);
    RawImage bottomUp = RawImage.of(arena, BOUNDS, depth, Components.RGBA, 0, true);
    RawImage padded = RawImage.of(arena, BOUNDS, depth, Components.RGBA, 13, false);
    RawImage paddedBottomUp = RawImage.of(arena, BOUNDS, depth, Components.RGBA, 13, true);
    topDown.fillRandom(42);
    for (RawImage other : new RawImage[] {bottomUp, padded, paddedBottomUp}) {
      copyBits(topDown, other);
    }
    assertEquals(-bottomUp.stride, bottomUp.view.rowBytes());
    for (int y = BOUNDS.y1(); y < BOUNDS.y2(); y++) {
      for (int x = BOUNDS.x1(); x < BOUNDS.x2(); x++) {
        for (int c = 0; c < 4; c++) {
          float expected = topDown.value(x, y, c);
          String at = "(" + x + "," + y + "," + c + ")";
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(topDown.view.sample(x, y, c)), "top-down " + at);
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(bottomUp.view.sample(x, y, c)), "bottom-up " + at);
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(padded.view.sample(x, y, c)), "padded " + at);
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(paddedBottomUp.view.sample(x, y, c)),
              "padded bottom-up " + at);
        }
      }
    }
  }

  @Test
  void bottomUpOriginIsTheLastRowInMemory() {
    RawImage img = RawImage.of(arena, BOUNDS, PixelDepth.BYTE, Components.RGBA, 3, true);
    img.view.store(BOUNDS.x1(), BOUNDS.y1(), 0, 1f);
    img.view.store(BOUNDS.x1(), BOUNDS.y2() - 1, 0, 1f);
    assertEquals((byte) 255, img.memory.get(ValueLayout.JAVA_BYTE, (BOUNDS.height() - 1) * img.stride), "row y1 is last");
    assertEquals((byte) 255, img.memory.get(ValueLayout.JAVA_BYTE, 0), "row y2-1 is first");
    assertEquals(2, countNonZero(img.memory));
  }

  @Test
  void boundsNotAtZeroAddressFromX1Y1AndReadZeroOutside() {
    RawImage img = RawImage.of(arena, BOUNDS, PixelDepth.FLOAT, Components.RGBA);
    img.setBits(-5, 7, 2, Float.floatToRawIntBits(0.75f));
    img.setBits(5, 12, 1, Float.floatToRawIntBits(2.5f));
    assertEquals(0L, img.offset(-5, 7, 0), "(x1, y1) is at the origin");
    assertEquals(0.75f, img.view.sample(-5, 7, 2));
    assertEquals(2.5f, img.view.sample(5, 12, 1));
    img.fill((byte) 0x3F); // every channel 0.74... in float
    assertEquals(0f, img.view.sample(-6, 7, 0), "left of x1");
    assertEquals(0f, img.view.sample(6, 7, 0), "x2 is exclusive");
    assertEquals(0f, img.view.sample(0, 6, 0), "below y1");
    assertEquals(0f, img.view.sample(0, 13, 0), "y2 is exclusive");
    assertEquals(0f, img.view.alpha(6, 12), "alpha outside");
  }

  @Test
  void rowBytesSmallerThanARowIsRefused() {
    MemorySegment mem = arena.allocate(1024);
    RectI bounds = new RectI(0, 0, 10, 4); // a row is 40 bytes of BYTE RGBA
    assertThrows(UnsupportedPixelsException.class, () -> FrameView.wrap(mem, bounds, 39, PixelDepth.BYTE, Components.RGBA));
    assertThrows(UnsupportedPixelsException.class,
        () -> FrameView.wrap(mem.asSlice(3 * 39), bounds, -39, PixelDepth.BYTE, Components.RGBA));
    assertThrows(UnsupportedPixelsException.class, () -> FrameView.wrap(mem, bounds, 79, PixelDepth.SHORT, Components.RGBA));
    assertDoesNotThrow(() -> FrameView.wrap(mem, bounds, 40, PixelDepth.BYTE, Components.RGBA));
    assertDoesNotThrow(() -> FrameView.wrap(mem.asSlice(3 * 40), bounds, -40, PixelDepth.BYTE, Components.RGBA));
  }

  @Test
  void emptyBoundsNeedNoMemory() {
    for (RectI empty : new RectI[] {new RectI(0, 0, 0, 10), new RectI(3, 3, 10, 3), new RectI(5, 5, 2, 9)}) {
      FrameView v = assertDoesNotThrow(() -> FrameView.wrap(MemorySegment.NULL, empty, 0, PixelDepth.FLOAT, Components.RGBA));
      assertEquals(0f, v.sample(empty.x1(), empty.y1(), 0));
    }
  }

  @Test
  void byteStoreRoundsHalfUpAndClamps() {
    RawImage img = RawImage.of(arena, new RectI(0, 0, 1, 1), PixelDepth.BYTE, Components.RGBA);
    // v -> floor(clamp01(v) * 255f + 0.5f), worked out by hand.
    float[] values = {0f, 1f, 0.5f, 0.25f, 0.001f, 0.002f, 0.998f, -0.2f, 1.7f, Float.NEGATIVE_INFINITY, 100f, 0.1f};
    int[] expected = {0, 255, 128, 64, 0, 1, 254, 0, 255, 0, 255, 26};
    for (int i = 0; i < values.length; i++) {
      img.view.store(0, 0, 1, values[i]);
      assertEquals(expected[i], img.bits(0, 0, 1), "store " + values[i]);
    }
  }

  @Test
  void byteRoundTripsEveryCode() {
    RawImage img = RawImage.of(arena, new RectI(0, 0, 1, 1), PixelDepth.BYTE, Components.RGBA);
    for (int b = 0; b < 256; b++) {
      img.setBits(0, 0, 0, b);
      float v = img.view.sample(0, 0, 0);
      assertEquals(b / 255f, v, "sample " + b);
      img.view.store(0, 0, 2, v);
      assertEquals(b, img.bits(0, 0, 2), "store(sample(" + b + "))");
      assertEquals(RawImage.encode(v + 0.4f / 255f, PixelDepth.BYTE), storeAndRead(img, v + 0.4f / 255f));
    }
  }

  @Test
  void shortRoundTripsEveryCodeAndClamps() {
    RawImage img = RawImage.of(arena, new RectI(0, 0, 1, 1), PixelDepth.SHORT, Components.RGBA);
    for (int s = 0; s < 65536; s++) {
      img.setBits(0, 0, 3, s);
      float v = img.view.sample(0, 0, 3);
      assertEquals(s / 65535f, v);
      img.view.store(0, 0, 0, v);
      if (img.bits(0, 0, 0) != s) {
        assertEquals(s, img.bits(0, 0, 0), "store(sample(" + s + "))");
      }
    }
    img.view.store(0, 0, 1, 0.5f);
    assertEquals(32768, img.bits(0, 0, 1), "0.5 * 65535 + 0.5 = 32768");
    img.view.store(0, 0, 1, -3f);
    assertEquals(0, img.bits(0, 0, 1));
    img.view.store(0, 0, 1, 1.01f);
    assertEquals(65535, img.bits(0, 0, 1));
    assertEquals(1f, img.view.alpha(0, 0), "alpha of RGBA is channel 3 (65535)");
  }

  @Test
  void floatKeepsHdrAndNegativeValuesExactly() {
    RawImage img = RawImage.of(arena, BOUNDS, PixelDepth.FLOAT, Components.RGBA, 8, true);
    float[] values = {1.5f, -0.25f, 1e6f, -0f, Float.MAX_VALUE, -Float.MIN_VALUE, 0.1f, 65504.5f};
    for (int i = 0; i < values.length; i++) {
      int x = BOUNDS.x1() + i;
      img.view.store(x, 9, i & 3, values[i]);
      assertEquals(Float.floatToRawIntBits(values[i]), img.bits(x, 9, i & 3), "stored bits of " + values[i]);
      assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(img.view.sample(x, 9, i & 3)));
    }
  }

  @Test
  void alphaOfAnAlphaImageIsItsOnlyChannel() {
    RawImage img = RawImage.of(arena, BOUNDS, PixelDepth.SHORT, Components.ALPHA, 2, true);
    img.setBits(0, 10, 0, 65535);
    img.setBits(1, 10, 0, 13107);
    assertEquals(1f, img.view.alpha(0, 10));
    assertEquals(13107 / 65535f, img.view.alpha(1, 10));
    assertEquals(0f, img.view.alpha(2, 10));
  }

  @ParameterizedTest
  @EnumSource(value = PixelDepth.class, names = {"BYTE", "SHORT", "FLOAT"})
  void copyRowFromASourceCoveringPartOfTheRowZeroFillsTheRest(PixelDepth depth) {
    RawImage dst = RawImage.of(arena, new RectI(0, 0, 10, 3), depth, Components.RGBA, 4, false);
    RawImage src = RawImage.of(arena, new RectI(2, 1, 6, 3), depth, Components.RGBA, 0, true);
    src.fillRandom(7);
    dst.fill((byte) 0xAB);
    byte[] sentinel = dst.pixel(0, 0);

    dst.view.copyRowFrom(src.view, 1, 0, 10);
    byte[] zero = new byte[dst.bytesPerPixel()];
    for (int x = 0; x < 10; x++) {
      byte[] expected = x >= 2 && x < 6 ? src.pixel(x, 1) : zero;
      assertArrayEquals(expected, dst.pixel(x, 1), "x=" + x);
    }
    dst.view.copyRowFrom(src.view, 0, 1, 9); // src has no row 0
    for (int x = 0; x < 10; x++) {
      assertArrayEquals(x >= 1 && x < 9 ? zero : sentinel, dst.pixel(x, 0), "row 0, x=" + x);
    }
    dst.view.copyRowFrom(src.view, 2, 3, 5); // only [3,5) is written
    for (int x = 0; x < 10; x++) {
      assertArrayEquals(x >= 3 && x < 5 ? src.pixel(x, 2) : sentinel, dst.pixel(x, 2), "row 2, x=" + x);
    }
    byte[] pad = new byte[4];
    java.util.Arrays.fill(pad, (byte) 0xAB);
    assertArrayEquals(pad, padding(dst, 1), "row padding untouched");
  }

  @Test
  void copyRowFromOutsideTheSourceOnTheRightOnlyZeroFills() {
    RawImage dst = RawImage.of(arena, new RectI(0, 0, 10, 1), PixelDepth.BYTE, Components.RGBA);
    RawImage src = RawImage.of(arena, new RectI(-4, 0, 3, 1), PixelDepth.BYTE, Components.RGBA);
    src.fillRandom(3);
    dst.fill((byte) 0xAB);
    dst.view.copyRowFrom(src.view, 0, 0, 10);
    for (int x = 0; x < 10; x++) {
      assertArrayEquals(x < 3 ? src.pixel(x, 0) : new byte[4], dst.pixel(x, 0), "x=" + x);
    }
  }

  @ParameterizedTest
  @EnumSource(value = PixelDepth.class, names = {"BYTE", "SHORT", "FLOAT"})
  void copyChannelFromCopiesOneChannelBitForBit(PixelDepth depth) {
    RawImage dst = RawImage.of(arena, new RectI(0, 0, 4, 2), depth, Components.RGBA);
    RawImage src = RawImage.of(arena, new RectI(0, 0, 3, 2), depth, Components.RGBA, 0, true);
    src.fillRandom(11);
    dst.fill((byte) 0x5A);
    int untouched = dst.bits(0, 0, 0);
    dst.view.copyChannelFrom(src.view, 1, 1, 3);
    dst.view.copyChannelFrom(src.view, 3, 1, 2); // outside src: zero
    assertEquals(src.bits(1, 1, 3), dst.bits(1, 1, 3));
    for (int c = 0; c < 3; c++) {
      assertEquals(untouched, dst.bits(1, 1, c), "other channels untouched, c=" + c);
    }
    assertEquals(0, dst.bits(3, 1, 2));
    assertEquals(untouched, dst.bits(3, 1, 3));
  }

  @Test
  void allocateIsZeroedTopDown() {
    FrameView v = FrameView.allocate(arena, BOUNDS, PixelDepth.SHORT, Components.RGBA);
    assertEquals(BOUNDS.width() * 8L, v.rowBytes());
    for (int y = BOUNDS.y1(); y < BOUNDS.y2(); y++) {
      for (int x = BOUNDS.x1(); x < BOUNDS.x2(); x++) {
        assertEquals(0f, v.sample(x, y, 3));
      }
    }
    v.store(5, 12, 3, 1f);
    assertEquals(1f, v.alpha(5, 12));
  }

  private static void copyBits(RawImage from, RawImage to) {
    for (int y = from.bounds.y1(); y < from.bounds.y2(); y++) {
      for (int x = from.bounds.x1(); x < from.bounds.x2(); x++) {
        for (int c = 0; c < from.components.channels(); c++) {
          to.setBits(x, y, c, from.bits(x, y, c));
        }
      }
    }
  }

  private static int storeAndRead(RawImage img, float v) {
    img.view.store(0, 0, 1, v);
    return img.bits(0, 0, 1);
  }

  private static byte[] padding(RawImage img, int y) {
    long end = img.offset(img.bounds.x2() - 1, y, 0) + img.bytesPerPixel();
    long rowLength = RawImage.rowLength(img.bounds, img.depth, img.components);
    return img.memory.asSlice(end, img.stride - rowLength).toArray(ValueLayout.JAVA_BYTE);
  }

  private static int countNonZero(MemorySegment m) {
    int n = 0;
    for (byte b : m.toArray(ValueLayout.JAVA_BYTE)) {
      n += b != 0 ? 1 : 0;
    }
    return n;
  }
}
