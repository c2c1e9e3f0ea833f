package dev.worldfx.cli;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads PNGs into RGBA frames: 16-bit files as {@link PixelDepth#SHORT}, all others (8-bit,
 * 1/2/4-bit grey, palette) as {@link PixelDepth#BYTE}. Grey is replicated to R, G and B; a
 * file without alpha reads as opaque. Rows are flipped so that y = 0 is the bottom row (OFX).
 * Sample values are taken as stored: gAMA, iCCP and sRGB chunks are ignored, because a
 * pipeline that round-trips frames must not re-grade them.
 */
final class PngReader {
  private PngReader() {}

  /** The image rectangle, (0, 0, width, height), from the header only; no pixels are decoded. */
  static RectI bounds(Path file) throws IOException {
    return withReader(file, r -> new RectI(0, 0, r.getWidth(0), r.getHeight(0)));
  }

  /** Whether the file carries an alpha channel (or a transparent palette entry); from the header only. */
  static boolean hasAlpha(Path file) throws IOException {
    return withReader(file, r -> r.getRawImageType(0).getColorModel().hasAlpha());
  }

  /** The whole image as an RGBA frame allocated in {@code arena}. */
  static FrameView read(Arena arena, Path file) throws IOException {
    BufferedImage img = withReader(file, r -> r.read(0));
    Raster raster = img.getRaster();
    int w = img.getWidth();
    int h = img.getHeight();
    boolean palette = img.getColorModel() instanceof IndexColorModel;
    PixelDepth depth = !palette && raster.getTransferType() == DataBuffer.TYPE_USHORT ? PixelDepth.SHORT : PixelDepth.BYTE;
    FrameView frame = FrameView.allocate(arena, new RectI(0, 0, w, h), depth, Components.RGBA);
    float[] rgba = new float[4];
    for (int row = 0; row < h; row++) {
      int y = h - 1 - row;
      for (int x = 0; x < w; x++) {
        if (palette) {
          paletteSample(img.getRGB(x, row), rgba);
        } else {
          rawSample(raster, x, row, rgba);
        }
        for (int c = 0; c < 4; c++) {
          frame.store(x, y, c, rgba[c]);
        }
      }
    }
    return frame;
  }

  /** Palette entries are 8-bit sRGB by the PNG spec, so the colour model's ARGB is the stored value. */
  private static void paletteSample(int argb, float[] rgba) {
    rgba[0] = (argb >>> 16 & 0xFF) / 255f;
    rgba[1] = (argb >>> 8 & 0xFF) / 255f;
    rgba[2] = (argb & 0xFF) / 255f;
    rgba[3] = (argb >>> 24) / 255f;
  }

  /**
   * Straight from the raster, never through getRGB: for grey images that would convert from
   * the linear grey colour space Java assigns them and change the values.
   * Bands: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
   */
  private static void rawSample(Raster raster, int x, int row, float[] rgba) {
    int bands = raster.getNumBands();
    boolean grey = bands <= 2;
    for (int c = 0; c < 3; c++) {
      rgba[c] = normalised(raster, x, row, grey ? 0 : c);
    }
    rgba[3] = bands == 2 || bands == 4 ? normalised(raster, x, row, bands - 1) : 1f;
  }

  /** A 1/2/4/8/16-bit sample as [0,1]; for 8 and 16 bits this is exactly what FrameView.store rounds back. */
  private static float normalised(Raster raster, int x, int row, int band) {
    int bits = raster.getSampleModel().getSampleSize(band);
    return raster.getSample(x, row, band) / (float) ((1 << bits) - 1);
  }

  private interface ReaderCall<T> {
    T apply(ImageReader reader) throws IOException;
  }

  /** Opens {@code file} with the PNG reader, so a file of another format is refused by name. */
  private static <T> T withReader(Path file, ReaderCall<T> call) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such file");
    }
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
    if (!readers.hasNext()) {
      throw new IOException("no PNG reader in this Java runtime");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null || !reader.getOriginatingProvider().canDecodeInput(in)) {
        throw new IOException(file + " is not a PNG file");
      }
      reader.setInput(in, true, true);
      try {
        return call.apply(reader);
      } catch (IOException | RuntimeException e) {
        // ImageIO reports damaged files as anything from IIOException to IndexOutOfBounds.
        throw new IOException(file + " is not a readable PNG: " + e, e);
      }
    } finally {
      reader.dispose();
    }
  }
}
