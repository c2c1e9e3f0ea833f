package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.inpaint.InpaintNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** worldfx inpaint end to end on tiny synthetic sequences written as real PNG files. */
class InpaintCommandTest {
  private static final int W = 12;
  private static final int H = 8;
  /** The matte square: x in [3, 7), y in [2, 5) (frame coordinates, y = 0 bottom). */
  private static final RectI HOLE = new RectI(3, 2, 7, 5);

  @TempDir
  Path tmp;


  @Test
  void eightBitSequenceKeepsEveryPixelOutsideTheMatteAndTheNumbers() throws IOException {
    List<Integer> numbers = List.of(1001, 1002, 1004);
    writeShot(numbers, PixelDepth.BYTE);
    Path report = tmp.resolve("logs/report.json");
    CliRun run = inpaint("--seed", "5", "--quality", "final", "--report", report.toString());
    assertEquals(0, run.exit(), run.err());
    assertEquals(List.of("1001.png", "1002.png", "1004.png"), listing(tmp.resolve("OUT")));
    assertTrue(run.err().contains("has gaps, skipped: 1003"), run.err());
    assertTrue(run.err().contains("frame 1004 (3/3)"), run.err());
    assertOutputs(numbers, PixelDepth.BYTE, 255);

    String json = Files.readString(report);
    InpaintNode node = new InpaintNode();
    assertTrue(json.contains("\"algorithm\": \"" + node.descriptor().description() + "\""), json);
    assertTrue(json.contains("\"seed\": 5,") && json.contains("\"quality\": \"final\""), json);
    assertTrue(json.contains("\"gaps\": [{\"first\": 1003, \"last\": 1003}]"), json);
    assertTrue(json.contains("{\"number\": 1002, \"output\": \"" + tmp.resolve("OUT/1002.png") + "\", \"bitsPerChannel\": 8"), json);
    assertTrue(json.contains("\"frameCount\": 3"), json);
    assertEquals(List.of("report.json"), listing(report.getParent()), "report written atomically, no temp left");
  }

  @Test
  void sixteenBitSequenceStaysSixteenBitAndExactOutsideTheMatte() throws IOException {
    List<Integer> numbers = List.of(0, 1);
    writeShot(numbers, PixelDepth.SHORT);
    CliRun run = inpaint();
    assertEquals(0, run.exit(), run.err());
    assertEquals(List.of("0000.png", "0001.png"), listing(tmp.resolve("OUT")));
    assertOutputs(numbers, PixelDepth.SHORT, 65535);
  }

  @Test
  void hashPatternsWork() throws IOException {
    writeShot(List.of(7), PixelDepth.BYTE);
    assertEquals(0, Main.run("inpaint", "--input", tmp.resolve("IN/####.png").toString(),
        "--matte", tmp.resolve("MATTE/####.png").toString(), "--output", tmp.resolve("OUT/shot.####.png").toString()));
    assertEquals(List.of("shot.0007.png"), listing(tmp.resolve("OUT")));
  }

  @Test
  void missingMatteFrameIsAnInputErrorNamingTheNumbers() throws IOException {
    writeShot(List.of(1, 2, 3, 4), PixelDepth.BYTE);
    Files.delete(tmp.resolve("MATTE/0002.png"));
    Files.delete(tmp.resolve("MATTE/0003.png"));
    assertInputError("missing matte for input frames 2-3");
  }

  @Test
  void sizeMismatchIsAnInputError() throws IOException {
    writeShot(List.of(1, 2), PixelDepth.BYTE);
    try (Arena arena = Arena.ofConfined()) {
      PngWriter.write(FrameView.allocate(arena, new RectI(0, 0, W + 1, H), PixelDepth.BYTE, Components.RGBA),
          tmp.resolve("MATTE/0002.png"), 8);
    }
    assertInputError("size mismatch: " + tmp.resolve("MATTE/0002.png") + " is 13x8");
  }

  @Test
  void unreadableInputIsAnInputError() throws IOException {
    writeShot(List.of(1, 2), PixelDepth.BYTE);
    Files.writeString(tmp.resolve("IN/0002.png"), "garbage");
    assertInputError(tmp.resolve("IN/0002.png") + " is not a PNG file");
  }

  @Test
  void allBlackMatteIsAnEmptyMatte() throws IOException {
    writeShot(List.of(1, 2), PixelDepth.BYTE);
    try (Arena arena = Arena.ofConfined()) {
      FrameView black = FrameView.allocate(arena, new RectI(0, 0, W, H), PixelDepth.BYTE, Components.RGBA);
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          black.store(x, y, 3, 1f);
        }
      }
      PngWriter.write(black, tmp.resolve("MATTE/0001.png"), 8);
      PngWriter.write(black, tmp.resolve("MATTE/0002.png"), 8);
    }
    assertInputError("empty matte: every frame of");
  }

  @Test
  void noMatteFilesIsAnEmptyMatteSequence() throws IOException {
    writeShot(List.of(1), PixelDepth.BYTE);
    Files.delete(tmp.resolve("MATTE/0001.png"));
    assertInputError("empty matte sequence");
  }

  @Test
  void noInputFramesIsAnInputError() throws IOException {
    writeShot(List.of(1), PixelDepth.BYTE);
    Files.delete(tmp.resolve("IN/0001.png"));
    assertInputError("no input frames");
  }

  @Test
  void outputOverInputIsRefused() throws IOException {
    writeShot(List.of(1), PixelDepth.BYTE);
    CliRun run = run("inpaint", "--input", tmp.resolve("IN/%04d.png").toString(), "--matte",
        tmp.resolve("MATTE/%04d.png").toString(), "--output", tmp.resolve("IN/%04d.png").toString());
    assertEquals(3, run.exit(), run.err());
    assertTrue(run.err().contains("would overwrite"), run.err());
  }

  @Test
  void badOptionsAreUsageErrors() throws IOException {
    writeShot(List.of(1), PixelDepth.BYTE);
    assertEquals(2, inpaint("--quality", "best").exit());
    assertEquals(2, run("inpaint", "--input", tmp.resolve("IN/frame.png").toString(), "--matte",
        tmp.resolve("MATTE/%04d.png").toString(), "--output", tmp.resolve("OUT/%04d.png").toString()).exit());
    assertEquals(2, run("inpaint", "--input", tmp.resolve("IN/%04d.png").toString()).exit());
    assertFalse(Files.exists(tmp.resolve("OUT")));
  }

  @Test
  void helpShowsTheInterface() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run("inpaint", "--help"));
    } finally {
      System.setOut(old);
    }
    String help = out.toString(StandardCharsets.UTF_8);
    for (String s : List.of("--input", "--matte", "--output", "--quality", "--seed", "--report", "IN/%04d.png",
        "luminance times its alpha", "Exit codes")) {
      assertTrue(help.contains(s), s + " in\n" + help);
    }
  }

  @Test
  void matteIsLuminanceTimesAlphaAndGreyLevelsAreExact() {
    try (Arena arena = Arena.ofConfined()) {
      // Every 16-bit grey level, opaque: the matte is that level exactly.
      FrameView grey = FrameView.allocate(arena, new RectI(0, 0, 256, 256), PixelDepth.SHORT, Components.RGBA);
      for (int y = 0; y < 256; y++) {
        for (int x = 0; x < 256; x++) {
          for (int c = 0; c < 3; c++) {
            grey.store(x, y, c, (y * 256 + x) / 65535f);
          }
          grey.store(x, y, 3, 1f);
        }
      }
      FrameView m = InpaintCommand.matteOf(arena, grey);
      assertEquals(Components.ALPHA, m.components());
      for (int y = 0; y < 256; y++) {
        for (int x = 0; x < 256; x++) {
          if (m.alpha(x, y) != grey.sample(x, y, 0)) {
            assertEquals(grey.sample(x, y, 0), m.alpha(x, y), "grey level " + (y * 256 + x));
          }
        }
      }
      // White with the shape in alpha, and pure green (Rec. 709 weight 0.7152) at half alpha.
      FrameView rgba = FrameView.allocate(arena, new RectI(0, 0, 2, 1), PixelDepth.BYTE, Components.RGBA);
      for (int c = 0; c < 3; c++) {
        rgba.store(0, 0, c, 1f);
      }
      rgba.store(0, 0, 3, 0.4f);
      rgba.store(1, 0, 1, 1f);
      rgba.store(1, 0, 3, 1f);
      FrameView shaped = InpaintCommand.matteOf(arena, rgba);
      assertEquals(rgba.sample(0, 0, 3), shaped.alpha(0, 0));
      assertEquals(0.7152f, shaped.alpha(1, 0), 1e-6f);
    }
  }

  private void assertInputError(String message) {
    CliRun run = inpaint();
    assertEquals(3, run.exit(), run.err());
    assertTrue(run.err().contains(message), "expected '" + message + "' in: " + run.err());
    assertFalse(Files.exists(tmp.resolve("OUT")), "nothing written when the shot is refused");
  }

  private CliRun inpaint(String... extra) {
    String[] args = Stream.concat(Stream.of("inpaint", "--input", tmp.resolve("IN/%04d.png").toString(),
        "--matte", tmp.resolve("MATTE/%04d.png").toString(), "--output", tmp.resolve("OUT/%04d.png").toString()),
        Stream.of(extra)).toArray(String[]::new);
    return run(args);
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  /** A textured source per frame (different each frame, alpha varying) and a matte white inside HOLE. */
  private void writeShot(List<Integer> numbers, PixelDepth depth) throws IOException {
    int bits = depth == PixelDepth.SHORT ? 16 : 8;
    try (Arena arena = Arena.ofConfined()) {
      for (int n : numbers) {
        PngWriter.write(source(arena, n, depth), tmp.resolve(String.format("IN/%04d.png", n)), bits);
        FrameView matte = FrameView.allocate(arena, new RectI(0, 0, W, H), PixelDepth.BYTE, Components.RGBA);
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            float m = HOLE.contains(x, y) ? 1f : 0f;
            for (int c = 0; c < 3; c++) {
              matte.store(x, y, c, m);
            }
            matte.store(x, y, 3, 1f);
          }
        }
        PngWriter.write(matte, tmp.resolve(String.format("MATTE/%04d.png", n)), 8);
      }
    }
  }

  private static FrameView source(Arena arena, int n, PixelDepth depth) {
    FrameView f = FrameView.allocate(arena, new RectI(0, 0, W, H), depth, Components.RGBA);
    int max = depth == PixelDepth.SHORT ? 65535 : 255;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < 4; c++) {
          // Odd 16-bit codes that are not multiples of 257, so 8-bit rounding anywhere would show.
          f.store(x, y, c, ((x * 7919 + y * 104729 + c * 31 + n * 13) % max | 1) / (float) max);
        }
      }
    }
    return f;
  }

  private void assertOutputs(List<Integer> numbers, PixelDepth depth, int max) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      for (int n : numbers) {
        FrameView in = source(arena, n, depth);
        FrameView out = PngReader.read(arena, tmp.resolve(String.format("OUT/%04d.png", n)));
        assertEquals(depth, out.depth(), "output at the input's depth, frame " + n);
        int changed = 0;
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            for (int c = 0; c < 4; c++) {
              int expected = code(in, x, y, c, max);
              int actual = code(out, x, y, c, max);
              boolean kept = !HOLE.contains(x, y) || c == 3;
              if (kept) {
                assertEquals(expected, actual, "frame " + n + " (" + x + "," + y + ") c" + c + " kept exactly");
              } else if (expected != actual) {
                changed++;
              }
            }
          }
        }
        assertTrue(changed > HOLE.width() * HOLE.height(), "the node changed the matte area of frame " + n);
      }
    }
  }

  private static int code(FrameView f, int x, int y, int c, int max) {
    return (int) Math.floor(f.sample(x, y, c) * max + 0.5f);
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
