package dev.worldfx.cli.exr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.FrameView;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our EXR files read back bit for bit: float and half, every lossless compression, data windows, channel sets. */
class ExrRoundTripTest {
  private static final int W = 13;
  private static final int H = 9;
  private static final int ONE = Float.floatToRawIntBits(1f);
  /** HDR and special values: above 1, negative, -0, subnormal, infinities, quiet/signalling NaNs with payloads. */
  private static final int[] SPECIAL = {Float.floatToRawIntBits(1234.5f), Float.floatToRawIntBits(-3.25f), 0x8000_0000,
      Float.floatToRawIntBits(1e-40f), 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0x7FC1_2345, 0xFFC0_0001, 0x7F80_0001,
      0x7FA0_0000, Float.floatToRawIntBits(Float.MAX_VALUE), Float.floatToRawIntBits(65504f)};

  @TempDir
  Path tmp;

  private static int hdr(int x, int y, int c) {
    int i = (y * W + x) * 4 + c;
    return i < SPECIAL.length ? SPECIAL[i] : ExrFrames.noise(x, y, c, 11);
  }

  @Test
  void floatFramesComeBackBitForBitWithEveryLosslessCompression() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      FrameView frame = ExrFrames.frame(arena, W, H, ExrRoundTripTest::hdr);
      for (ExrCompression compression : List.of(ExrCompression.NONE, ExrCompression.RLE, ExrCompression.ZIPS,
          ExrCompression.ZIP, ExrCompression.PIZ)) {
        Path file = tmp.resolve("float-" + compression + ".exr");
        ExrWriter.write(frame, file, ExrPixelType.FLOAT, true, compression, null);
        ExrHeader h = ExrReader.header(file);
        assertEquals(compression, h.compression());
        assertEquals(ExrPixelType.FLOAT, h.pixelType());
        assertTrue(h.hasAlpha());
        assertFalse(h.tiled());
        assertEquals(new ExrHeader.Box(0, 0, W - 1, H - 1), h.displayWindow());
        assertEquals(h.displayWindow(), h.dataWindow());
        assertArrayEquals(ExrFrames.bits(frame), ExrFrames.bits(ExrReader.read(arena, file)), compression.toString());
      }
    }
  }

  @Test
  void everyHalfValueComesBackBitForBit() throws Exception {
    // 128 x 128 RGBA = all 65536 half bit patterns once, NaNs and infinities included
    try (Arena arena = Arena.ofConfined()) {
      FrameView frame = ExrFrames.frame(arena, 128, 128, (x, y, c) -> Half.toFloatBits((short) ((y * 128 + x) * 4 + c)));
      for (ExrCompression compression : List.of(ExrCompression.ZIP, ExrCompression.PIZ, ExrCompression.NONE)) {
        Path file = tmp.resolve("half-" + compression + ".exr");
        ExrWriter.write(frame, file, ExrPixelType.HALF, true, compression, null);
        assertEquals(ExrPixelType.HALF, ExrReader.header(file).pixelType());
        FrameView back = ExrReader.read(arena, file);
        assertArrayEquals(ExrFrames.bits(frame), ExrFrames.bits(back), compression.toString());
        Path again = tmp.resolve("half-again-" + compression + ".exr");
        ExrWriter.write(back, again, ExrPixelType.HALF, true, compression, null);
        assertArrayEquals(ExrFrames.bits(frame), ExrFrames.bits(ExrReader.read(arena, again)));
      }
    }
  }

  @Test
  void floatWrittenAsHalfRoundsToNearestEven() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      FrameView frame = ExrFrames.frame(arena, W, H, ExrRoundTripTest::hdr);
      Path file = tmp.resolve("rounded.exr");
      ExrWriter.write(frame, file, ExrPixelType.HALF, true);
      int[] in = ExrFrames.bits(frame);
      int[] out = ExrFrames.bits(ExrReader.read(arena, file));
      for (int i = 0; i < in.length; i++) {
        assertEquals(Half.toFloatBits(Half.fromFloatBits(in[i])), out[i], "sample " + i);
      }
    }
  }

  @Test
  void pixelsOutsideTheDataWindowReadAsZeroAndTheImageIsTheDisplayWindow() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      FrameView frame = ExrFrames.frame(arena, W, H, ExrRoundTripTest::hdr);
      ExrHeader.Box data = new ExrHeader.Box(3, 2, 10, 6); // EXR coordinates: y down
      for (ExrPixelType type : List.of(ExrPixelType.FLOAT, ExrPixelType.HALF)) {
        Path file = tmp.resolve("window-" + type + ".exr");
        ExrWriter.write(frame, file, type, true, ExrCompression.ZIP, data);
        ExrHeader h = ExrReader.header(file);
        assertEquals(data, h.dataWindow());
        assertEquals(W, h.width());
        assertEquals(H, h.height());
        FrameView back = ExrReader.read(arena, file);
        int[] in = ExrFrames.bits(frame);
        int[] out = ExrFrames.bits(back);
        for (int y = 0; y < H; y++) {
          int exrY = H - 1 - y;
          for (int x = 0; x < W; x++) {
            boolean inside = x >= 3 && x <= 10 && exrY >= 2 && exrY <= 6;
            for (int c = 0; c < 4; c++) {
              int i = (y * W + x) * 4 + c;
              int expected = !inside ? 0 : type == ExrPixelType.FLOAT ? in[i] : Half.toFloatBits(Half.fromFloatBits(in[i]));
              assertEquals(expected, out[i], type + " (" + x + "," + y + ") c" + c);
            }
          }
        }
        Path again = tmp.resolve("window-again-" + type + ".exr");
        ExrWriter.write(back, again, type, true, ExrCompression.ZIP, data);
        assertArrayEquals(out, ExrFrames.bits(ExrReader.read(arena, again)), "a second round trip changes nothing");
      }
    }
  }

  @Test
  void dataBeyondTheDisplayWindowIsCroppedAndADataWindowApartReadsBlack() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      FrameView frame = ExrFrames.frame(arena, W, H, ExrRoundTripTest::hdr);
      Path overscan = tmp.resolve("overscan.exr");
      ExrWriter.write(frame, overscan, ExrPixelType.FLOAT, true, ExrCompression.PIZ, new ExrHeader.Box(-5, -3, W + 2, H + 4));
      assertArrayEquals(ExrFrames.bits(frame), ExrFrames.bits(ExrReader.read(arena, overscan)));
      Path apart = tmp.resolve("apart.exr");
      ExrWriter.write(frame, apart, ExrPixelType.FLOAT, true, ExrCompression.ZIP, new ExrHeader.Box(W + 1, 0, W + 4, 3));
      assertArrayEquals(new int[W * H * 4], ExrFrames.bits(ExrReader.read(arena, apart)));
    }
  }

  @Test
  void rgbWithoutAlphaReadsOpaqueEvenOutsideTheDataWindow() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      FrameView frame = ExrFrames.frame(arena, W, H, ExrRoundTripTest::hdr);
      Path file = tmp.resolve("rgb.exr");
      ExrWriter.write(frame, file, ExrPixelType.FLOAT, false, ExrCompression.ZIP, new ExrHeader.Box(1, 1, 4, 4));
      assertFalse(ExrReader.header(file).hasAlpha());
      int[] out = ExrFrames.bits(ExrReader.read(arena, file));
      for (int i = 3; i < out.length; i += 4) {
        assertEquals(ONE, out[i]);
      }
    }
  }

  /** Writes the named planes (all W x H, data window = display window) and reads the file back. */
  private int[] readPlanes(Arena arena, String file, ExrWriter.Plane... planes) throws Exception {
    Path p = tmp.resolve(file);
    ExrHeader.Box all = new ExrHeader.Box(0, 0, W - 1, H - 1);
    ExrWriter.writePlanes(p, all, all, ExrCompression.ZIP, List.of(planes));
    return ExrFrames.bits(ExrReader.read(arena, p));
  }

  private static int value(int col, int row, int channel) {
    return Float.floatToRawIntBits(channel * 100 + row * W + col + 0.5f);
  }

  /** Sample c of EXR pixel (col, row) in a frame's bits (frame y = 0 is the bottom row). */
  private static int at(int[] bits, int col, int row, int c) {
    return bits[((H - 1 - row) * W + col) * 4 + c];
  }

  @Test
  void channelSetsMapToRgba() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      ExrWriter.Plane y = ExrFrames.plane(arena, "Y", ExrPixelType.FLOAT, W, H, (col, row, c) -> value(col, row, 1));
      ExrWriter.Plane a = ExrFrames.plane(arena, "A", ExrPixelType.FLOAT, W, H, (col, row, c) -> value(col, row, 2));
      ExrWriter.Plane r = ExrFrames.plane(arena, "R", ExrPixelType.FLOAT, W, H, (col, row, c) -> value(col, row, 3));
      ExrWriter.Plane g = ExrFrames.plane(arena, "G", ExrPixelType.HALF, W, H,
          (col, row, c) -> Half.fromFloatBits(value(col, row, 4)));
      ExrWriter.Plane z = ExrFrames.plane(arena, "Z", ExrPixelType.FLOAT, W, H, (col, row, c) -> value(col, row, 5));
      ExrWriter.Plane layer = ExrFrames.plane(arena, "diffuse.B", ExrPixelType.FLOAT, W, H, (col, row, c) -> 7);
      int[] grey = readPlanes(arena, "y.exr", y);
      int[] greyAlpha = readPlanes(arena, "ya.exr", y, a);
      int[] alphaOnly = readPlanes(arena, "a.exr", a);
      int[] redGreen = readPlanes(arena, "rg.exr", r, g, z, layer, a);
      for (int row = 0; row < H; row++) {
        for (int col = 0; col < W; col++) {
          for (int c = 0; c < 3; c++) {
            assertEquals(value(col, row, 1), at(grey, col, row, c), "Y is grey");
            assertEquals(value(col, row, 1), at(greyAlpha, col, row, c));
            assertEquals(value(col, row, 2), at(alphaOnly, col, row, c), "A alone is a grey matte");
          }
          assertEquals(ONE, at(grey, col, row, 3));
          assertEquals(value(col, row, 2), at(greyAlpha, col, row, 3));
          assertEquals(ONE, at(alphaOnly, col, row, 3));
          assertEquals(value(col, row, 3), at(redGreen, col, row, 0));
          assertEquals(Half.toFloatBits(Half.fromFloatBits(value(col, row, 4))), at(redGreen, col, row, 1));
          assertEquals(0, at(redGreen, col, row, 2), "a missing B is 0; diffuse.B and Z are not B");
          assertEquals(value(col, row, 2), at(redGreen, col, row, 3));
        }
      }
      Path mixed = tmp.resolve("rg.exr");
      assertEquals(ExrPixelType.FLOAT, ExrReader.header(mixed).pixelType(), "half and float channels read as float");
      assertEquals(List.of("A", "G", "R", "Z", "diffuse.B"),
          ExrReader.header(mixed).channels().stream().map(ExrHeader.Channel::name).toList(), "sorted by the library");
    }
  }

  @Test
  void uintChannelsReadAsTheNearestFloat() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      int[] samples = {0, 1, 255, 65535, 16_777_217, -1};
      ExrWriter.Plane r = ExrFrames.plane(arena, "R", ExrPixelType.UINT, W, H,
          (col, row, c) -> samples[(row * W + col) % samples.length]);
      int[] bits = readPlanes(arena, "uint.exr", r);
      assertEquals(ExrPixelType.UINT, ExrReader.header(tmp.resolve("uint.exr")).pixelType());
      for (int row = 0; row < H; row++) {
        for (int col = 0; col < W; col++) {
          long u = Integer.toUnsignedLong(samples[(row * W + col) % samples.length]);
          assertEquals((float) u, Float.intBitsToFloat(at(bits, col, row, 0)));
        }
      }
    }
  }

  @Test
  void unsupportedChannelSetsAreRefusedByName() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      ExrWriter.Plane z = ExrFrames.plane(arena, "Z", ExrPixelType.FLOAT, W, H, (col, row, c) -> 0);
      ExrWriter.Plane y = ExrFrames.plane(arena, "Y", ExrPixelType.HALF, W, H, (col, row, c) -> 0);
      ExrWriter.Plane ry = ExrFrames.plane(arena, "RY", ExrPixelType.HALF, W, H, (col, row, c) -> 0);
      ExrException none = assertThrows(ExrException.class, () -> readPlanes(arena, "z.exr", z));
      assertTrue(none.getMessage().contains("z.exr: no R, G, B, Y or A channel to read (it has: Z)"), none.getMessage());
      ExrException chroma = assertThrows(ExrException.class, () -> readPlanes(arena, "ry.exr", y, ry));
      assertTrue(chroma.getMessage().contains("luminance/chroma"), chroma.getMessage());
    }
  }

  @Test
  void framesOfOtherDepthsAndLayoutsAreWrittenAsTheyRead() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      FrameView bytes = FrameView.allocate(arena, new dev.worldfx.nodes.RectI(0, 0, 3, 2), dev.worldfx.nodes.PixelDepth.BYTE,
          dev.worldfx.nodes.Components.RGBA);
      for (int i = 0; i < 24; i++) {
        bytes.store(i / 4 % 3, i / 12, i % 4, i * 10 / 255f);
      }
      Path file = tmp.resolve("from-bytes.exr");
      ExrWriter.write(bytes, file, ExrPixelType.FLOAT, true);
      FrameView back = ExrReader.read(arena, file);
      for (int i = 0; i < 24; i++) {
        assertEquals(bytes.sample(i / 4 % 3, i / 12, i % 4), back.sample(i / 4 % 3, i / 12, i % 4));
      }
    }
  }
}
