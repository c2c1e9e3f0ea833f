package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.cli.exr.ExrHeader;
import dev.worldfx.cli.exr.ExrPixelType;
import dev.worldfx.cli.exr.ExrReader;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EXR sequences through worldfx inpaint, run and extend: HDR pixels outside the matte come out bit for bit. */
class ExrSequenceTest {
  private static final int W = 12;
  private static final int H = 8;
  /** The matte square: x in [3, 7), y in [2, 5) (frame coordinates, y = 0 bottom). */
  private static final RectI HOLE = new RectI(3, 2, 7, 5);
  /**
   * Above 1, negative, -0, tiny: what a pipeline must pass through untouched. (Infinities and NaNs pass through the
   * EXR reader and writer, see ExrRoundTripTest, but the nodes' flow solver refuses frames holding them.)
   */
  private static final int[] SPECIAL = {Float.floatToRawIntBits(37.5f), Float.floatToRawIntBits(-2.75f), 0x8000_0000,
      Float.floatToRawIntBits(-1000f), Float.floatToRawIntBits(1e-30f), Float.floatToRawIntBits(65504f)};

  @TempDir
  Path tmp;

  /** Sample bits of source frame n: a smooth HDR texture, with the special values on the top row (outside HOLE). */
  private static int sourceBits(int n, int x, int y, int c, ExrPixelType type) {
    float v = c == 3 ? 0.25f + 0.05f * x : (float) (2.0 + 1.5 * Math.sin(0.6 * x + 0.4 * y + c + 0.3 * n));
    int bits = y == H - 1 && x < SPECIAL.length ? SPECIAL[(x + c + n) % SPECIAL.length] : Float.floatToRawIntBits(v);
    return type == ExrPixelType.HALF ? Float.floatToRawIntBits(Float.float16ToFloat(Float.floatToFloat16(
        Float.intBitsToFloat(bits)))) : bits;
  }

  private static FrameView frame(Arena arena, Bits bits) {
    long rowBytes = (long) W * 16;
    MemorySegment s = arena.allocate(rowBytes * H, 16);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < 4; c++) {
          s.set(ValueLayout.JAVA_INT_UNALIGNED, y * rowBytes + x * 16L + c * 4L, bits.at(x, y, c));
        }
      }
    }
    return FrameView.wrap(s, new RectI(0, 0, W, H), rowBytes, PixelDepth.FLOAT, Components.RGBA);
  }

  private interface Bits {
    int at(int x, int y, int c);
  }

  /** The raw bits of a float RGBA frame, copied as bytes (y = 0 bottom). */
  private static int[] bits(FrameView f) {
    try (Arena a = Arena.ofConfined()) {
      long rowBytes = (long) W * 16;
      MemorySegment s = a.allocate(rowBytes * H, 16);
      FrameView.wrap(s, f.bounds(), rowBytes, PixelDepth.FLOAT, Components.RGBA).copyRowsFrom(f, 0, H, 0, W);
      int[] out = new int[W * H * 4];
      MemorySegment.copy(s, ValueLayout.JAVA_INT_UNALIGNED, 0, out, 0, out.length);
      return out;
    }
  }

  private void writeShot(List<Integer> numbers, ExrPixelType type) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      for (int n : numbers) {
        ImageFiles.write(frame(arena, (x, y, c) -> sourceBits(n, x, y, c, type)),
            tmp.resolve(String.format("IN/%04d.exr", n)), new ImageFiles.Header(new RectI(0, 0, W, H), true, type));
        FrameView matte = frame(arena, (x, y, c) -> Float.floatToRawIntBits(c == 3 || HOLE.contains(x, y) ? 1f : 0f));
        ImageFiles.write(matte, tmp.resolve(String.format("MATTE/%04d.exr", n)),
            new ImageFiles.Header(new RectI(0, 0, W, H), false, ExrPixelType.HALF));
      }
    }
  }

  private void assertKeptOutsideTheHole(List<Integer> numbers, String out, ExrPixelType type) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      for (int n : numbers) {
        Path file = tmp.resolve(String.format(out, n));
        ExrHeader h = ExrReader.header(file);
        assertEquals(type, h.pixelType(), "the input's pixel type, " + file);
        assertTrue(h.hasAlpha());
        int[] got = bits(ExrReader.read(arena, file));
        int changed = 0;
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            for (int c = 0; c < 4; c++) {
              int expected = sourceBits(n, x, y, c, type);
              int actual = got[(y * W + x) * 4 + c];
              if (!HOLE.contains(x, y) || c == 3) {
                assertEquals(expected, actual, file + " (" + x + "," + y + ") c" + c + " kept bit for bit");
              } else if (expected != actual) {
                changed++;
              }
            }
          }
        }
        assertTrue(changed > HOLE.width() * HOLE.height(), "the node changed the matte area of " + file);
      }
    }
  }

  @Test
  void inpaintKeepsEveryFloatPixelOutsideTheMatteBitForBit() throws IOException {
    List<Integer> numbers = List.of(1001, 1002, 1003);
    writeShot(numbers, ExrPixelType.FLOAT);
    Path report = tmp.resolve("report.json");
    CliRun run = CliRun.of("inpaint", "--input", tmp.resolve("IN/%04d.exr").toString(), "--matte",
        tmp.resolve("MATTE/%04d.exr").toString(), "--output", tmp.resolve("OUT/%04d.exr").toString(), "--seed", "3",
        "--report", report.toString());
    assertEquals(0, run.exit(), run.err());
    assertKeptOutsideTheHole(numbers, "OUT/%04d.exr", ExrPixelType.FLOAT);
    assertTrue(Files.readString(report).contains("\"bitsPerChannel\": 32"), Files.readString(report));
  }

  @Test
  void halfStaysHalfAndARunGraphGivesTheInpaintCommandsPixels() throws IOException {
    List<Integer> numbers = List.of(1, 2, 3);
    writeShot(numbers, ExrPixelType.HALF);
    CliRun cli = CliRun.of("inpaint", "--input", tmp.resolve("IN/%04d.exr").toString(), "--matte",
        tmp.resolve("MATTE/%04d.exr").toString(), "--output", tmp.resolve("CLI/%04d.exr").toString(), "--seed", "9");
    assertEquals(0, cli.exit(), cli.err());
    assertKeptOutsideTheHole(numbers, "CLI/%04d.exr", ExrPixelType.HALF);
    Path graph = tmp.resolve("shot.textproto");
    Files.writeString(graph, """
        nodes {
          name: "clean"
          kind: "dev.worldfx.Inpaint"
          context: "general"
          params { name: "seed" value: "9" }
          inputs { key: "Source" value: "IN/%04d.exr" }
          inputs { key: "Mask" value: "MATTE/####.exr" }
        }
        output_node: "clean"
        output_pattern: "GRAPH/shot.%04d.exr"
        """);
    // a farm's solve job reads the EXR shot and writes no frames; the render after it only reads the cache
    String cache = tmp.resolve("cache").toString();
    CliRun solveOnly = CliRun.of("run", graph.toString(), "--solve-only", "--cache", cache);
    assertEquals(0, solveOnly.exit(), solveOnly.err());
    assertFalse(Files.exists(tmp.resolve("GRAPH")), "--solve-only writes no frames");
    CliRun run = CliRun.of("run", graph.toString(), "--cache", cache);
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains(" hits, 0 misses"), run.err());
    try (Arena arena = Arena.ofConfined()) {
      for (int n : numbers) {
        assertArrayEquals(bits(ExrReader.read(arena, tmp.resolve(String.format("CLI/%04d.exr", n)))),
            bits(ExrReader.read(arena, tmp.resolve(String.format("GRAPH/shot.%04d.exr", n)))), "frame " + n);
      }
    }
  }

  @Test
  void pngToExrIsFloatOfThePngValuesAndExrToPngIsSixteenBit() throws IOException {
    writeShot(List.of(1, 2), ExrPixelType.FLOAT);
    try (Arena arena = Arena.ofConfined()) {
      for (int n = 1; n <= 2; n++) {
        FrameView png = FrameView.allocate(arena, new RectI(0, 0, W, H), PixelDepth.BYTE, Components.RGBA);
        for (int i = 0; i < W * H * 4; i++) {
          png.store(i / 4 % W, i / 4 / W, i % 4, (i * 37 + n) % 256 / 255f);
        }
        PngWriter.write(png, tmp.resolve(String.format("PNG/%04d.png", n)), 8);
        PngWriter.write(ImageFiles.read(arena, tmp.resolve(String.format("MATTE/%04d.exr", n))),
            tmp.resolve(String.format("PNGMATTE/%04d.png", n)), 8);
      }
    }
    CliRun toExr = CliRun.of("inpaint", "--input", tmp.resolve("PNG/%04d.png").toString(), "--matte",
        tmp.resolve("PNGMATTE/%04d.png").toString(), "--output", tmp.resolve("PNG2EXR/%04d.exr").toString());
    assertEquals(0, toExr.exit(), toExr.err());
    CliRun toPng = CliRun.of("inpaint", "--input", tmp.resolve("IN/%04d.exr").toString(), "--matte",
        tmp.resolve("MATTE/%04d.exr").toString(), "--output", tmp.resolve("EXR2PNG/%04d.png").toString());
    assertEquals(0, toPng.exit(), toPng.err());
    try (Arena arena = Arena.ofConfined()) {
      FrameView png = PngReader.read(arena, tmp.resolve("PNG/0001.png"));
      FrameView exr = ExrReader.read(arena, tmp.resolve("PNG2EXR/0001.exr"));
      assertEquals(ExrPixelType.FLOAT, ExrReader.header(tmp.resolve("PNG2EXR/0001.exr")).pixelType());
      assertEquals(png.sample(0, 0, 1), exr.sample(0, 0, 1), "the PNG's value k/255 as a float");
      FrameView sixteen = PngReader.read(arena, tmp.resolve("EXR2PNG/0001.png"));
      assertEquals(PixelDepth.SHORT, sixteen.depth());
      float v = Float.intBitsToFloat(sourceBits(1, 0, 0, 0, ExrPixelType.FLOAT));
      assertEquals(Math.floor(FrameView.clamp01(v) * 65535 + 0.5), Math.round(sixteen.sample(0, 0, 0) * 65535));
    }
  }

  @Test
  void extendWritesTheNewFramesAsExrOfTheInputsType() throws IOException {
    List<Integer> numbers = List.of(10, 11, 12, 13);
    writeShot(numbers, ExrPixelType.HALF);
    CliRun run = CliRun.of("extend", "--input", tmp.resolve("IN/%04d.exr").toString(), "--output",
        tmp.resolve("EXT/%04d.exr").toString(), "--frames", "2", "--direction", "forward", "--backtest", "0",
        "--quality", "draft");
    assertEquals(0, run.exit(), run.err());
    try (Arena arena = Arena.ofConfined()) {
      for (int n : List.of(14, 15)) {
        Path f = tmp.resolve(String.format("EXT/%04d.exr", n));
        assertEquals(ExrPixelType.HALF, ExrReader.header(f).pixelType());
        FrameView out = ExrReader.read(arena, f);
        assertEquals(Float.intBitsToFloat(sourceBits(13, 5, 3, 3, ExrPixelType.HALF)), out.alpha(5, 3),
            "alpha of the nearest real frame");
      }
    }
  }

  @Test
  void aDamagedExrFrameIsAnInputErrorNamingIt() throws IOException {
    writeShot(List.of(1, 2), ExrPixelType.FLOAT);
    Path bad = tmp.resolve("IN/0002.exr");
    byte[] good = Files.readAllBytes(bad);
    Files.write(bad, java.util.Arrays.copyOf(good, good.length / 2));
    CliRun run = CliRun.of("inpaint", "--input", tmp.resolve("IN/%04d.exr").toString(), "--matte",
        tmp.resolve("MATTE/%04d.exr").toString(), "--output", tmp.resolve("OUT/%04d.exr").toString());
    assertEquals(3, run.exit(), run.err());
    assertTrue(run.err().contains(bad.toString()), run.err());
    assertTrue(run.err().startsWith("worldfx: error: " + bad + ": reading the chunk table for scanline "), run.err());
    assertTrue(run.err().contains("(EXR_ERR_"), "the library's reason: " + run.err());
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
  }

  /** A disk that fills up on the second frame: exit 6, one line, the first frame whole, no partial or temp file. */
  @Test
  void aFullDiskLeavesTheFramesBeforeItWholeAndNoPartialExr() throws IOException {
    List<Integer> numbers = List.of(1, 2, 3);
    writeShot(numbers, ExrPixelType.HALF);
    Path out = tmp.resolve("OUT");
    CliRun full = CliRun.with(b -> b.bind(OutputFiles.class).toInstance(new DiskFull(1)), "inpaint", "--input",
        tmp.resolve("IN/%04d.exr").toString(), "--matte", tmp.resolve("MATTE/%04d.exr").toString(), "--output",
        out.resolve("%04d.exr").toString());
    assertEquals(Main.EXIT_OUTPUT, full.exit(), full.err());
    List<String> errors = full.err().lines().filter(l -> l.startsWith("worldfx:")).toList();
    assertEquals(List.of("worldfx: error: cannot write " + out.resolve("0002.exr") + ": No space left on device"),
        errors, full.err());
    try (var files = Files.list(out)) {
      assertEquals(List.of("0001.exr"), files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    assertKeptOutsideTheHole(List.of(1), "OUT/%04d.exr", ExrPixelType.HALF);
  }

  @Test
  void doctorSaysWhichOpenExrLibraryWasFound() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run("doctor"));
    } finally {
      System.setOut(old);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("OpenEXR:     libOpenEXRCore") && text.contains("(OpenEXR 3."), text);
  }

  /** A user without OpenEXR: one line naming what to install, the input-error exit code, nothing written. */
  @Test
  void withoutTheLibraryExrIsAnInputErrorSayingWhatToInstall() throws Exception {
    writeShot(List.of(1), ExrPixelType.FLOAT);
    Path notALibrary = tmp.resolve("libOpenEXRCore-3_1.so.30");
    Files.writeString(notALibrary, "not a library");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "inpaint", "--input", tmp.resolve("IN/%04d.exr").toString(), "--matte", tmp.resolve("MATTE/%04d.exr").toString(),
        "--output", tmp.resolve("OUT/%04d.exr").toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("WORLDFX_OPENEXR_LIB", notALibrary.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(3, p.exitValue(), out);
    List<String> lines = out.lines().filter(l -> !l.startsWith("WARNING")).toList();
    assertEquals(1, lines.size(), out);
    assertTrue(lines.getFirst().startsWith("worldfx: error: WORLDFX_OPENEXR_LIB=" + notALibrary + " is not a usable OpenEXR"),
        out);
    assertTrue(lines.getFirst().contains("apt install libopenexr-dev"), out);
    assertFalse(Files.exists(tmp.resolve("OUT")));
  }
}
