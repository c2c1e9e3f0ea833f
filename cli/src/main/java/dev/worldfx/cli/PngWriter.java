package dev.worldfx.cli;

import dev.worldfx.nodes.FrameView;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes RGBA PNGs at 8 or 16 bits per channel, top row first (FrameView y = 0 is the bottom
 * row, as in OFX). Values are clamped to [0,1] and rounded half up, so an 8-bit frame written
 * at 8 bits, or a 16-bit frame at 16 bits, is stored exactly. A one-channel (Alpha) frame is
 * written as opaque grey. Files are written to a temp file and renamed, so a killed run never
 * leaves half a PNG. EXR files: {@link ImageFiles}.
 */
final class PngWriter {
  private PngWriter() {}

  interface TempWriter {
    void writeTo(Path tmp) throws IOException;
  }

  /** An 8-bit PNG. */
  static void write(FrameView frame, Path file) throws IOException {
    write(frame, file, 8);
  }

  /** An RGBA PNG with {@code bitsPerChannel} = 8 or 16. */
  static void write(FrameView frame, Path file, int bitsPerChannel) throws IOException {
    write(frame, file, bitsPerChannel, true);
  }

  /** A PNG with {@code bitsPerChannel} = 8 or 16, RGBA or (without {@code alpha}) RGB. */
  static void write(FrameView frame, Path file, int bitsPerChannel, boolean alpha) throws IOException {
    replaceAtomically(file, tmp -> encode(frame, tmp, bitsPerChannel, alpha));
  }

  /** Writes the PNG straight into {@code file}; callers write a temp file through {@link OutputFiles}. */
  static void encode(FrameView frame, Path file, int bitsPerChannel, boolean alpha) throws IOException {
    if (bitsPerChannel != 8 && bitsPerChannel != 16) {
      throw new IllegalArgumentException("PNG frames are written at 8 or 16 bits per channel, not " + bitsPerChannel);
    }
    int w = frame.bounds().width();
    int h = frame.bounds().height();
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), alpha, false,
        alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
        bitsPerChannel == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT);
    BufferedImage img = new BufferedImage(model, model.createCompatibleWritableRaster(w, h), false, null);
    WritableRaster raster = img.getRaster();
    int max = (1 << bitsPerChannel) - 1;
    boolean single = frame.components().channels() == 1;
    int[] rgba = new int[alpha ? 4 : 3];
    for (int row = 0; row < h; row++) {
      int y = frame.bounds().y2() - 1 - row;
      for (int col = 0; col < w; col++) {
        int x = frame.bounds().x1() + col;
        for (int c = 0; c < 3; c++) {
          rgba[c] = quantise(frame.sample(x, y, single ? 0 : c), max);
        }
        if (alpha) {
          rgba[3] = single ? max : quantise(frame.alpha(x, y), max);
        }
        raster.setPixel(col, row, rgba);
      }
    }
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer in this Java runtime");
    }
  }

  /**
   * Lets {@code body} write a temp file next to {@code file}, then renames it over {@code file}:
   * readers see the old file or the whole new one, never a part ({@link OutputFiles}).
   */
  static void replaceAtomically(Path file, TempWriter body) throws IOException {
    new OutputFiles().replace(file, body::writeTo);
  }

  /** Same rounding as FrameView.store, so stored 8/16-bit values come back unchanged. */
  private static int quantise(float v, int max) {
    return (int) Math.floor(FrameView.clamp01(v) * max + 0.5f);
  }
}
