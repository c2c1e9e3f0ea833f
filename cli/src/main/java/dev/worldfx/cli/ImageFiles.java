package dev.worldfx.cli;

import dev.worldfx.cli.exr.ExrHeader;
import dev.worldfx.cli.exr.ExrPixelType;
import dev.worldfx.cli.exr.ExrReader;
import dev.worldfx.cli.exr.ExrWriter;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The CLI's image files, by extension: {@code .exr} (any case) is OpenEXR ({@link ExrReader},
 * {@link ExrWriter}: float RGBA frames), everything else PNG ({@link PngReader}, {@link PngWriter}).
 * An output is written like the input it comes from ({@link Header}): EXR keeps the input EXR's
 * half or writes float (for float and uint EXR inputs, and for PNG inputs); PNG is 16-bit for
 * 16-bit and float frames, else 8-bit; alpha is written when the input has alpha.
 */
final class ImageFiles {
  private ImageFiles() {}

  /**
   * What outputs derived from a file need to know about it: its frame rectangle, whether it has
   * alpha, and for EXR its pixel type (null for PNG).
   */
  record Header(RectI bounds, boolean alpha, ExrPixelType exrType) {
  }

  static boolean isExr(Path file) {
    return file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".exr");
  }

  /** From the header only; no pixels are decoded. */
  static Header header(Path file) throws IOException {
    if (!isExr(file)) {
      return new Header(PngReader.bounds(file), PngReader.hasAlpha(file), null);
    }
    requireFile(file);
    ExrHeader h = ExrReader.header(file);
    return new Header(h.bounds(), h.hasAlpha(), h.pixelType());
  }

  static RectI bounds(Path file) throws IOException {
    return header(file).bounds();
  }

  /** The whole image as an RGBA frame allocated in {@code arena}. */
  static FrameView read(Arena arena, Path file) throws IOException {
    if (!isExr(file)) {
      return PngReader.read(arena, file);
    }
    requireFile(file);
    return ExrReader.read(arena, file);
  }

  /**
   * Writes {@code frame} to {@code file} all or nothing (temp file + rename), in the format of
   * its extension, like {@code input}; returns the bits per channel written. Commands write
   * through {@link OutputFiles} with {@link #encode} instead.
   */
  static int write(FrameView frame, Path file, Header input) throws IOException {
    PngWriter.replaceAtomically(file, tmp -> encode(frame, file, tmp, input));
    return bits(frame, file, input);
  }

  /**
   * Encodes {@code frame} straight into {@code tmp} in the format of {@code file}'s extension
   * (the temp file's own name says nothing), like {@code input}: the body of an
   * {@link OutputFiles#replace}, which renames {@code tmp} over {@code file}.
   */
  static void encode(FrameView frame, Path file, Path tmp, Header input) throws IOException {
    if (isExr(file)) {
      ExrWriter.write(frame, tmp, exrType(input), input.alpha());
    } else {
      PngWriter.encode(frame, tmp, bits(frame, file, input), input.alpha());
    }
  }

  /** The bits per channel {@link #encode} writes for {@code frame} to {@code file}. */
  static int bits(FrameView frame, Path file, Header input) {
    if (isExr(file)) {
      return exrType(input).bits();
    }
    return frame.depth() == PixelDepth.BYTE ? 8 : 16;
  }

  private static ExrPixelType exrType(Header input) {
    return input.exrType() == ExrPixelType.HALF ? ExrPixelType.HALF : ExrPixelType.FLOAT;
  }

  private static void requireFile(Path file) throws NoSuchFileException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such file");
    }
  }
}
