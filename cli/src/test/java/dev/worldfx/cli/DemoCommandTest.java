package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  private static final int FRAMES = 4;
  private static final int W = 64;
  private static final int H = 48;

  @TempDir
  static Path tmp;
  private static Path out;
  private static int demoExit;

  @BeforeAll
  static void runDemo() {
    out = tmp.resolve("demo");
    demoExit = Main.run("demo", "--out", out.toString(), "--frames", Integer.toString(FRAMES), "--size", W + "x" + H);
  }

  @Test
  void demoWritesEverySequence() throws IOException {
    assertEquals(0, demoExit);
    Map<String, Long> counts;
    try (Stream<Path> files = Files.list(out)) {
      counts = files.map(p -> p.getFileName().toString())
          .collect(Collectors.groupingBy(n -> n.substring(0, n.indexOf('.')), TreeMap::new, Collectors.counting()));
    }
    // ExtendShot Forward +6 over frames 0..3: 10 frames; Generate renders 4 frames from the shot model it saved.
    assertEquals(Map.of("source", 4L, "matte", 4L, "inpaint", 4L, "extend", 10L, "generate", 4L, "variation", 4L,
        "shot-model", 1L), counts);
    for (String name : List.of("source.0000.png", "matte.0003.png", "extend.0009.png", "generate.0003.png", "variation.0000.png")) {
      BufferedImage img = read(name);
      assertEquals(W, img.getWidth(), name);
      assertEquals(H, img.getHeight(), name);
    }
  }

  @Test
  void inpaintKeepsPixelsOutsideTheMatteAndRemovesTheBall() throws IOException {
    BufferedImage source = read("source.0001.png");
    BufferedImage matte = read("matte.0001.png");
    BufferedImage inpaint = read("inpaint.0001.png");
    int kept = 0;
    int filled = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int m = matte.getRGB(x, y);
        String at = "(" + x + "," + y + ")";
        if (m == 0xFF000000) {
          assertEquals(hex(source.getRGB(x, y)), hex(inpaint.getRGB(x, y)), "outside the matte " + at);
          kept++;
        } else {
          assertEquals(hex(0xFFFFFFFF), hex(m), "the matte is black or white " + at);
          int p = inpaint.getRGB(x, y);
          int r = p >> 16 & 0xFF, g = p >> 8 & 0xFF, b = p & 0xFF;
          // the ball is (0.85, 0.10, 0.08); the backdrop under it has green >= 0.35 and blue >= 0.3
          assertTrue(g > 0.25 * 255 && b > 0.2 * 255, "no ball left at " + at + ": " + hex(p) + " r=" + r);
          filled++;
        }
      }
    }
    assertTrue(kept > W * H / 2 && filled > 20, "kept " + kept + ", filled " + filled);
  }

  @Test
  void extendPassesRealFramesThroughAndTheBallKeepsMoving() throws IOException {
    for (int i = 0; i < FRAMES; i++) {
      assertSamePixels(read(String.format("source.%04d.png", i)), read(String.format("extend.%04d.png", i)), "frame " + i);
    }
    double x = redCentroidX(read(String.format("source.%04d.png", FRAMES - 1)));
    double step = x - redCentroidX(read(String.format("source.%04d.png", FRAMES - 2)));
    assertTrue(step > 1, "the sample ball moves right: " + step);
    // the next frame: the ball moves on at its speed (its right edge may leave the frame, so the
    // centroid of what is left is a little short of a full step)
    double next = redCentroidX(read(String.format("extend.%04d.png", FRAMES)));
    assertTrue(next - x > 0.5 * step && next - x < 1.3 * step, "the ball moved on by about " + step + " px, not "
        + (next - x));
  }

  /** Mean x of the sample ball's red pixels. */
  private static double redCentroidX(BufferedImage img) {
    double sum = 0;
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        if ((p >> 16 & 0xFF) > 180 && (p >> 8 & 0xFF) < 80) {
          sum += x;
          n++;
        }
      }
    }
    assertTrue(n > 0, "the ball is in the frame");
    return sum / n;
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertEquals(2, Main.run("demo", "--nosuch", "--out", tmp.resolve("x").toString()));
    assertEquals(2, Main.run("--frobnicate"));
  }

  @Test
  void tooSmallSizeIsAnInputError() {
    assertEquals(3, Main.run("demo", "--out", tmp.resolve("small").toString(), "--size", "10x10"));
    assertEquals(3, Main.run("demo", "--out", tmp.resolve("bad").toString(), "--size", "64by48"));
    assertTrue(Files.notExists(tmp.resolve("small")), "nothing written for a refused size");
  }

  @Test
  void unknownBenchmarkIsAnInputError() {
    assertEquals(3, Main.run("bench", "nosuch"));
  }

  private static BufferedImage read(String name) throws IOException {
    Path file = out.resolve(name);
    assertTrue(Files.isRegularFile(file), file + " exists");
    BufferedImage img = ImageIO.read(file.toFile());
    assertTrue(img != null, file + " is a PNG");
    return img;
  }

  private static void assertSamePixels(BufferedImage expected, BufferedImage actual, String what) {
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        if (expected.getRGB(x, y) != actual.getRGB(x, y)) {
          assertEquals(hex(expected.getRGB(x, y)), hex(actual.getRGB(x, y)), what + " at (" + x + "," + y + ")");
        }
      }
    }
  }

  private static String hex(int argb) {
    return String.format("%08X", argb);
  }
}
