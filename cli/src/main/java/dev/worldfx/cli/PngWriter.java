package dev.worldfx.cli;

import dev.worldfx.nodes.FrameView;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * Writes 8-bit RGBA PNGs, top row first (FrameView y = 0 is the bottom row, as in OFX).
 * Written to a temp file and renamed, so a killed run never leaves half a PNG.
 * 16-bit PNG and EXR come with the image I/O work of the CLI issue.
 */
final class PngWriter {
  private PngWriter() {}

  static void write(FrameView frame, Path file) throws IOException {
    int w = frame.bounds().width();
    int h = frame.bounds().height();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int row = 0; row < h; row++) {
      int y = frame.bounds().y2() - 1 - row;
      for (int col = 0; col < w; col++) {
        int x = frame.bounds().x1() + col;
        int a = frame.components().channels() == 1 ? 255 : to8(frame.alpha(x, y));
        int r = to8(frame.sample(x, y, 0));
        int g = frame.components().channels() == 1 ? r : to8(frame.sample(x, y, 1));
        int b = frame.components().channels() == 1 ? r : to8(frame.sample(x, y, 2));
        img.setRGB(col, row, a << 24 | r << 16 | g << 8 | b);
      }
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      if (!ImageIO.write(img, "png", tmp.toFile())) {
        throw new IOException("no PNG writer in this Java runtime");
      }
      // Temp files are owner-only; a rendered frame is an ordinary file others may read.
      if (Files.getFileStore(tmp).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static int to8(float v) {
    return (int) Math.floor(FrameView.clamp01(v) * 255f + 0.5f);
  }
}
