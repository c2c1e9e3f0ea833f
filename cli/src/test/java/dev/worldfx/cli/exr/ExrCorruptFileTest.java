package dev.worldfx.cli.exr;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.FrameView;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files give an ExrException naming the file and the library's reason, never a crash:
 * truncations and single-byte corruptions of small ZIP, PIZ and uncompressed files.
 */
class ExrCorruptFileTest {
  @TempDir
  Path tmp;

  private Path original(Arena arena, ExrCompression compression, ExrPixelType type) throws Exception {
    FrameView f = ExrFrames.frame(arena, 7, 5, (x, y, c) -> ExrFrames.noise(x, y, c, 2));
    Path p = tmp.resolve("good-" + compression + "-" + type + ".exr");
    ExrWriter.write(f, p, type, true, compression, null);
    return p;
  }

  /** Reads {@code bytes} as an EXR: it either reads or fails with an ExrException naming the file. */
  private void readOrRefuse(byte[] bytes, String what) throws Exception {
    Path bad = tmp.resolve("bad.exr");
    Files.write(bad, bytes);
    try (Arena frame = Arena.ofConfined()) {
      ExrHeader h = ExrReader.header(bad);
      // a flip in the display window can leave a valid header of a huge image: allocating it is not the point here
      if ((long) h.width() * h.height() <= 1 << 20) {
        ExrReader.read(frame, bad);
      }
    } catch (ExrException e) {
      assertTrue(e.getMessage().startsWith(bad.toString() + ": "), what + ": " + e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), what + ": one line: " + e.getMessage());
    }
  }

  @Test
  void truncatedAndFlippedBytesAreReadOrRefusedCleanly() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      for (ExrCompression compression : List.of(ExrCompression.ZIP, ExrCompression.PIZ, ExrCompression.NONE)) {
        for (ExrPixelType type : List.of(ExrPixelType.HALF, ExrPixelType.FLOAT)) {
          byte[] good = Files.readAllBytes(original(arena, compression, type));
          // every cut through the header and chunk table, then every 7th byte and the last 8 through the chunks
          for (int n = 0; n < good.length; n += n < 256 || n > good.length - 9 ? 1 : 7) {
            readOrRefuse(Arrays.copyOf(good, n), compression + " " + type + " cut at " + n);
          }
          boolean flips = compression == ExrCompression.ZIP && type == ExrPixelType.HALF
              || compression == ExrCompression.PIZ && type == ExrPixelType.FLOAT;
          for (int i = 0; flips && i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) 0xA5;
            readOrRefuse(bad, compression + " " + type + " byte " + i + " flipped");
          }
        }
      }
    }
  }

  @Test
  void typicalDamageGivesTheLibrarysReason() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      byte[] good = Files.readAllBytes(original(arena, ExrCompression.ZIP, ExrPixelType.FLOAT));
      Path cut = tmp.resolve("cut.exr");
      Files.write(cut, Arrays.copyOf(good, good.length - 40));
      ExrException e = assertThrows(ExrException.class, () -> ExrReader.read(arena, cut));
      assertTrue(e.getMessage().startsWith(cut + ": "), e.getMessage());
      assertTrue(e.getMessage().contains("(EXR_ERR_"), "the library's error code: " + e.getMessage());

      Path text = tmp.resolve("text.exr");
      Files.writeString(text, "not an image at all\n");
      ExrException notExr = assertThrows(ExrException.class, () -> ExrReader.header(text));
      assertTrue(notExr.getMessage().startsWith(text + ": not a readable EXR file: "), notExr.getMessage());

      Path empty = tmp.resolve("empty.exr");
      Files.write(empty, new byte[0]);
      assertThrows(ExrException.class, () -> ExrReader.header(empty));
      assertThrows(ExrException.class, () -> ExrReader.header(tmp.resolve("missing.exr")));
    }
  }
}
