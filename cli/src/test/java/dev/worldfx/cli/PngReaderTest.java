package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips through real PNG files; 16-bit checked on every one of the 65536 values. */
class PngReaderTest {
  @TempDir
  Path tmp;

  @Test
  void eightBitRgbaRoundTripsExactlyWithBottomRowAtYZero() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      // 16x16 pixels x 4 channels: every 8-bit value appears in every channel.
      FrameView frame = FrameView.allocate(arena, new RectI(0, 0, 16, 16), PixelDepth.BYTE, Components.RGBA);
      fill(frame, 255);
      Path file = tmp.resolve("rgba8.png");
      PngWriter.write(frame, file, 8);
      BufferedImage png = ImageIO.read(file.toFile());
      assertEquals(8, png.getColorModel().getComponentSize(0));
      // The PNG's top row is the frame's highest y.
      assertEquals(code(frame, 3, 15, 0, 255), png.getRaster().getSample(3, 0, 0));
      FrameView back = PngReader.read(arena, file);
      assertEquals(PixelDepth.BYTE, back.depth());
      assertEquals(Components.RGBA, back.components());
      assertSameSamples(frame, back);
    }
  }

  @Test
  void sixteenBitRgbaRoundTripsEveryValueExactly() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      // 128x128 pixels x 4 channels = 65536 samples: each 16-bit value once.
      FrameView frame = FrameView.allocate(arena, new RectI(0, 0, 128, 128), PixelDepth.SHORT, Components.RGBA);
      fill(frame, 65535);
      Path file = tmp.resolve("rgba16.png");
      PngWriter.write(frame, file, 16);
      BufferedImage png = ImageIO.read(file.toFile());
      assertEquals(16, png.getColorModel().getComponentSize(0), "written as a 16-bit PNG");
      WritableRaster raster = png.getRaster();
      for (int row = 0; row < 128; row++) {
        for (int x = 0; x < 128; x++) {
          for (int c = 0; c < 4; c++) {
            int expected = code(frame, x, 127 - row, c, 65535);
            if (raster.getSample(x, row, c) != expected) {
              assertEquals(expected, raster.getSample(x, row, c), "stored value at (" + x + "," + row + ") c" + c);
            }
          }
        }
      }
      FrameView back = PngReader.read(arena, file);
      assertEquals(PixelDepth.SHORT, back.depth());
      assertSameSamples(frame, back);
    }
  }

  @Test
  void greyIsReplicatedAndMissingAlphaIsOpaque() throws IOException {
    BufferedImage grey8 = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    grey8.getRaster().setSample(0, 0, 0, 7);
    grey8.getRaster().setSample(2, 1, 0, 200);
    BufferedImage grey16 = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
    grey16.getRaster().setSample(0, 0, 0, 4097);
    grey16.getRaster().setSample(2, 1, 0, 65534);
    ComponentColorModel greyAlphaModel = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
        Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    BufferedImage greyAlpha = new BufferedImage(greyAlphaModel, greyAlphaModel.createCompatibleWritableRaster(3, 2), false, null);
    greyAlpha.getRaster().setPixel(0, 0, new int[] {7, 100});
    greyAlpha.getRaster().setPixel(2, 1, new int[] {200, 255});
    BufferedImage rgb = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
    rgb.getRaster().setPixel(0, 0, new int[] {7, 8, 9});
    rgb.getRaster().setPixel(2, 1, new int[] {200, 201, 202});
    try (Arena arena = Arena.ofConfined()) {
      // (0,0) in the file is the top-left: frame (0, 1).
      assertPixel(read(arena, grey8, "g8"), 0, 1, 255, 7, 7, 7, 255);
      assertPixel(read(arena, grey8, "g8"), 2, 0, 255, 200, 200, 200, 255);
      assertPixel(read(arena, grey16, "g16"), 0, 1, 65535, 4097, 4097, 4097, 65535);
      assertPixel(read(arena, grey16, "g16"), 2, 0, 65535, 65534, 65534, 65534, 65535);
      assertPixel(read(arena, greyAlpha, "ga8"), 0, 1, 255, 7, 7, 7, 100);
      assertPixel(read(arena, greyAlpha, "ga8"), 1, 1, 255, 0, 0, 0, 0);
      assertPixel(read(arena, rgb, "rgb8"), 0, 1, 255, 7, 8, 9, 255);
      assertPixel(read(arena, rgb, "rgb8"), 2, 0, 255, 200, 201, 202, 255);
    }
  }

  @Test
  void paletteImagesReadAsTheirColours() throws IOException {
    IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {10, (byte) 250}, new byte[] {20, 0},
        new byte[] {30, 5}, new byte[] {(byte) 255, 64});
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
    img.getRaster().setSample(1, 0, 0, 1);
    try (Arena arena = Arena.ofConfined()) {
      FrameView f = read(arena, img, "pal");
      assertEquals(PixelDepth.BYTE, f.depth());
      assertPixel(f, 0, 0, 255, 10, 20, 30, 255);
      assertPixel(f, 1, 0, 255, 250, 0, 5, 64);
    }
  }

  @Test
  void boundsComeFromTheHeader() throws IOException {
    Path file = tmp.resolve("size.png");
    ImageIO.write(new BufferedImage(5, 3, BufferedImage.TYPE_INT_ARGB), "png", file.toFile());
    assertEquals(new RectI(0, 0, 5, 3), PngReader.bounds(file));
  }

  @Test
  void filesThatAreNotReadablePngsAreNamed() throws IOException {
    Path text = Files.writeString(tmp.resolve("text.png"), "not an image");
    Path jpeg = tmp.resolve("photo.png");
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR), "jpeg", jpeg.toFile());
    Path whole = tmp.resolve("whole.png");
    ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB), "png", whole.toFile());
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(tmp.resolve("cut.png"), Arrays.copyOf(bytes, bytes.length / 2));
    try (Arena arena = Arena.ofConfined()) {
      for (Path bad : new Path[] {text, jpeg, cut, tmp.resolve("absent.png")}) {
        IOException e = assertThrows(IOException.class, () -> PngReader.read(arena, bad), bad.toString());
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
      }
    }
    assertTrue(assertThrows(IOException.class, () -> PngReader.bounds(text)).getMessage().contains("is not a PNG file"));
  }

  @Test
  void writesAreAtomicAndWorldReadable() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      FrameView frame = FrameView.allocate(arena, new RectI(0, 0, 4, 4), PixelDepth.SHORT, Components.RGBA);
      Path file = tmp.resolve("out/sub/f.png");
      PngWriter.write(frame, file, 16);
      PngWriter.write(frame, file, 16);
      assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      try (Stream<Path> left = Files.list(file.getParent())) {
        assertEquals(1, left.count(), "no temp files left behind");
      }
      assertThrows(IllegalArgumentException.class, () -> PngWriter.write(frame, tmp.resolve("x.png"), 12));
    }
  }

  private FrameView read(Arena arena, BufferedImage img, String name) throws IOException {
    Path file = tmp.resolve(name + ".png");
    assertTrue(ImageIO.write(img, "png", file.toFile()));
    return PngReader.read(arena, file);
  }

  /** Sample i of the frame gets code i mod (max+1), i counting channels fastest. */
  private static void fill(FrameView f, int max) {
    int w = f.bounds().width();
    for (int y = 0; y < f.bounds().height(); y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 4; c++) {
          f.store(x, y, c, ((y * w + x) * 4 + c) % (max + 1) / (float) max);
        }
      }
    }
  }

  private static int code(FrameView f, int x, int y, int c, int max) {
    return (int) Math.floor(f.sample(x, y, c) * max + 0.5f);
  }

  private static void assertSameSamples(FrameView expected, FrameView actual) {
    assertEquals(expected.bounds(), actual.bounds());
    for (int y = 0; y < expected.bounds().height(); y++) {
      for (int x = 0; x < expected.bounds().width(); x++) {
        for (int c = 0; c < 4; c++) {
          if (Float.compare(expected.sample(x, y, c), actual.sample(x, y, c)) != 0) {
            assertEquals(expected.sample(x, y, c), actual.sample(x, y, c), "(" + x + "," + y + ") c" + c);
          }
        }
      }
    }
  }

  private static void assertPixel(FrameView f, int x, int y, int max, int r, int g, int b, int a) {
    int[] expected = {r, g, b, a};
    int[] actual = new int[4];
    for (int c = 0; c < 4; c++) {
      actual[c] = code(f, x, y, c, max);
    }
    assertEquals(Arrays.toString(expected), Arrays.toString(actual), "(" + x + "," + y + ")");
  }
}
