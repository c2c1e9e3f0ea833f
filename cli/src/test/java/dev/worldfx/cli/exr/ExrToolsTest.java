package dev.worldfx.cli.exr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.worldfx.nodes.FrameView;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by OpenEXR's C++ library (the tools of Debian's {@code openexr} package:
 * exrmaketiled, exrenvmap, exrstdattr, exr2aces, exrheader) read by us, and our files read by it.
 * Lossless re-encodings by the C++ library must give back our pixels bit for bit.
 */
class ExrToolsTest {
  private static final int W = 13;
  private static final int H = 9;

  @TempDir
  Path tmp;

  /** Runs an OpenEXR tool; its output on failure. */
  private static String tool(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail(command[0] + " is missing: install Debian's OpenEXR tools (apt-get install openexr); " + e.getMessage());
      throw e;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    return out;
  }

  private static FrameView hdrFrame(Arena arena) {
    return ExrFrames.frame(arena, W, H, (x, y, c) -> ExrFrames.noise(x, y, c, 5));
  }

  @Test
  void cppTiledCopiesOfOurFilesReadBitForBit() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      FrameView frame = hdrFrame(arena);
      for (ExrPixelType type : List.of(ExrPixelType.FLOAT, ExrPixelType.HALF)) {
        Path ours = tmp.resolve("ours-" + type + ".exr");
        ExrWriter.write(frame, ours, type, true, ExrCompression.ZIP, new ExrHeader.Box(2, 1, 11, 7));
        int[] expected = ExrFrames.bits(ExrReader.read(arena, ours));
        for (String compression : List.of("piz", "zip", "rle", "none")) {
          Path tiled = tmp.resolve("tiled-" + type + "-" + compression + ".exr");
          // 4x4 tiles over a 10x7 data window: the right and bottom tiles are partial
          tool("exrmaketiled", "-z", compression, "-t", "4", "4", ours.toString(), tiled.toString());
          ExrHeader h = ExrReader.header(tiled);
          assertTrue(h.tiled());
          assertEquals(ExrCompression.valueOf(compression.toUpperCase(java.util.Locale.ROOT)), h.compression());
          assertEquals(type, h.pixelType());
          assertEquals(new ExrHeader.Box(2, 1, 11, 7), h.dataWindow());
          assertArrayEquals(expected, ExrFrames.bits(ExrReader.read(arena, tiled)), type + " " + compression);
        }
        Path mipmapped = tmp.resolve("mip-" + type + ".exr");
        tool("exrmaketiled", "-m", "-t", "8", "8", ours.toString(), mipmapped.toString());
        assertArrayEquals(expected, ExrFrames.bits(ExrReader.read(arena, mipmapped)), "the full-resolution level");
      }
    }
  }

  @Test
  void lossyCompressionsWrittenByTheCppLibraryDecodeCloseToTheOriginal() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      // smooth HDR content, as lossy codecs expect; 40x24 so that B44's 4x4 and DWA's 8x8 blocks fill
      int w = 40;
      int h = 24;
      FrameView frame = ExrFrames.frame(arena, w, h, (x, y, c) -> Float.floatToRawIntBits(c == 3 ? 1f
          : (float) (1.5 + Math.sin(0.15 * x + 0.5 * c) * Math.cos(0.2 * y))));
      Path ours = tmp.resolve("smooth.exr");
      ExrWriter.write(frame, ours, ExrPixelType.HALF, true);
      for (String compression : List.of("pxr24", "b44", "b44a", "dwaa", "dwab")) {
        Path lossy = tmp.resolve("lossy-" + compression + ".exr");
        tool("exrmaketiled", "-z", compression, "-t", "16", "16", ours.toString(), lossy.toString());
        if (compression.startsWith("dwa") && !OpenExrCore.library().decodesDwa()) {
          ExrException e = assertThrows(ExrException.class, () -> ExrReader.header(lossy));
          assertTrue(e.getMessage().contains("compression is decoded by OpenEXR 3.1.8 and newer, this system has 3.1."),
              e.getMessage());
          continue;
        }
        assertEquals(ExrCompression.valueOf(compression.toUpperCase(java.util.Locale.ROOT)),
            ExrReader.header(lossy).compression());
        FrameView back = ExrReader.read(arena, lossy);
        double worst = 0;
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            for (int c = 0; c < 4; c++) {
              worst = Math.max(worst, Math.abs(back.sample(x, y, c) - frame.sample(x, y, c)));
            }
          }
        }
        assertTrue(worst < 0.05, compression + ": worst error " + worst);
      }
    }
  }

  @Test
  void theCppLibraryReadsOurHeader() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      Path ours = tmp.resolve("ours.exr");
      ExrWriter.write(hdrFrame(arena), ours, ExrPixelType.HALF, false, ExrCompression.ZIP, new ExrHeader.Box(3, 2, 10, 6));
      String header = tool("exrheader", ours.toString());
      for (String line : List.of("compression (type compression): zip", "dataWindow (type box2i): (3 2) - (10 6)",
          "displayWindow (type box2i): (0 0) - (12 8)", "R, 16-bit floating-point, sampling 1 1",
          "type (type string): \"scanlineimage\"")) {
        assertTrue(header.contains(line), line + " in " + header);
      }
      assertTrue(!header.contains("A, "), "no alpha channel: " + header);
    }
  }

  @Test
  void cppScanlineFilesWrittenByExr2acesReadBitForBit() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      FrameView frame = ExrFrames.frame(arena, W, H, (x, y, c) -> Half.toFloatBits((short) ExrFrames.noise(x, y, c, 9)));
      for (ExrCompression compression : List.of(ExrCompression.PIZ, ExrCompression.NONE)) {
        Path ours = tmp.resolve("ours-" + compression + ".exr");
        ExrWriter.write(frame, ours, ExrPixelType.HALF, true, compression, new ExrHeader.Box(1, 1, 12, 8));
        // ACES primaries on the input, so exr2aces converts no colours: it only re-encodes
        Path tagged = tmp.resolve("tagged-" + compression + ".exr");
        tool("exrstdattr", "-chromaticities", "0.7347", "0.2653", "0", "1", "0.0001", "-0.077", "0.32168", "0.33767",
            ours.toString(), tagged.toString());
        Path aces = tmp.resolve("aces-" + compression + ".exr");
        tool("exr2aces", tagged.toString(), aces.toString());
        ExrHeader h = ExrReader.header(aces);
        assertEquals(compression, h.compression());
        assertEquals(false, h.tiled());
        assertArrayEquals(ExrFrames.bits(ExrReader.read(arena, ours)), ExrFrames.bits(ExrReader.read(arena, aces)),
            compression.toString());
      }
    }
  }

  @Test
  void cubeMapsFromExrenvmapAreUprightAndAgreeAcrossCompressions() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      // a latitude-longitude map: sky (the top half, frame y >= 16) 2.0, ground 0.25
      FrameView latlong = ExrFrames.frame(arena, 64, 32,
          (x, y, c) -> Float.floatToRawIntBits(c == 3 ? 1f : y >= 16 ? 2f : 0.25f));
      Path in = tmp.resolve("latlong.exr");
      ExrWriter.write(latlong, in, ExrPixelType.HALF, true);
      int face = 16;
      int[] piz = null;
      for (String compression : List.of("piz", "zip")) {
        Path cube = tmp.resolve("cube-" + compression + ".exr");
        tool("exrenvmap", "-li", "-c", "-w", Integer.toString(face), "-z", compression, in.toString(), cube.toString());
        ExrHeader h = ExrReader.header(cube);
        assertEquals(face, h.width());
        assertEquals(6 * face, h.height());
        FrameView f = ExrReader.read(arena, cube);
        // faces top to bottom: +X, -X, +Y, -Y, +Z, -Z; EXR row r is frame row height - 1 - r
        float up = f.sample(face / 2, 6 * face - 1 - (2 * face + face / 2), 0);
        float down = f.sample(face / 2, 6 * face - 1 - (3 * face + face / 2), 0);
        assertEquals(2f, up, 0.01f, "the +Y face looks at the sky");
        assertEquals(0.25f, down, 0.01f, "the -Y face looks at the ground");
        int[] bits = ExrFrames.bits(f);
        if (piz == null) {
          piz = bits;
        } else {
          assertArrayEquals(piz, bits, "PIZ and ZIP give the same pixels");
        }
      }
    }
  }
}
