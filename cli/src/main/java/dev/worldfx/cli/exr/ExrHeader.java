package dev.worldfx.cli.exr;

import dev.worldfx.nodes.RectI;
import java.util.List;

/**
 * What the reader needs from an EXR header (part 0 of a multi-part file). The image is the
 * display window; {@code pixelType} is the type of the channels read (HALF when all of them are
 * half, UINT when all are uint, else FLOAT), and {@code hasAlpha} whether an A channel is read
 * as alpha.
 *
 * @param displayWindow the image's extent in EXR pixel coordinates (y down)
 * @param dataWindow where the file has pixels; may be smaller than, larger than or apart from the display window
 */
public record ExrHeader(Box displayWindow, Box dataWindow, List<Channel> channels, boolean tiled,
                        ExrCompression compression, int parts, boolean hasAlpha, ExrPixelType pixelType) {
  /** An EXR box: both corners inclusive, y grows downwards. */
  public record Box(int minX, int minY, int maxX, int maxY) {
    public long width() {
      return (long) maxX - minX + 1;
    }

    public long height() {
      return (long) maxY - minY + 1;
    }
  }

  public record Channel(String name, ExrPixelType type, int xSampling, int ySampling) {
  }

  public int width() {
    return (int) displayWindow.width();
  }

  public int height() {
    return (int) displayWindow.height();
  }

  /** The frame a read gives: (0, 0, width, height). */
  public RectI bounds() {
    return new RectI(0, 0, width(), height());
  }
}
