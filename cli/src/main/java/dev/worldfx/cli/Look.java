package dev.worldfx.cli;

import dev.worldfx.cli.exr.ExrPixelType;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How new frames are written like the shot they come from: its depth and file header. A model
 * file keeps both in its metadata (generate and extend --save-model), so frames sampled or
 * predicted from it later are written as the command that fitted it would have.
 */
record Look(PixelDepth depth, ImageFiles.Header header) {
  /** RGB frames (generated frames have no alpha of their own). */
  static Look of(PixelDepth depth, ExrPixelType exrType, RectI bounds) {
    return new Look(depth, new ImageFiles.Header(bounds, false, exrType));
  }

  Look withAlpha(boolean alpha) {
    return new Look(depth, new ImageFiles.Header(header.bounds(), alpha, header.exrType()));
  }

  /** Metadata entries for a model file; bitsPerChannel as before, pixelType only for EXR shots. */
  Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>();
    ExrPixelType exr = header.exrType();
    m.put("bitsPerChannel", exr == null ? (depth == PixelDepth.SHORT ? "16" : "8") : Integer.toString(exr.bits()));
    if (exr != null) {
      m.put("pixelType", exr == ExrPixelType.HALF ? "half" : "float");
    }
    return m;
  }

  /** The look {@link #metadata} wrote, RGB. */
  static Look fromMetadata(Map<String, String> meta, RectI bounds) {
    String pixelType = meta.get("pixelType");
    if (pixelType != null) {
      return of(PixelDepth.FLOAT, "half".equals(pixelType) ? ExrPixelType.HALF : ExrPixelType.FLOAT, bounds);
    }
    return of("16".equals(meta.get("bitsPerChannel")) ? PixelDepth.SHORT : PixelDepth.BYTE, null, bounds);
  }
}
