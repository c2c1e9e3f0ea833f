package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** worldfx bench inpaint on a tiny case: the child's result line, and the parent's table. No timing is asserted. */
class InpaintBenchTest {
  private static final InpaintBench.Case TINY = new InpaintBench.Case(96, 64, false, 4);

  private static void assertSane(InpaintBench.Result r) {
    assertEquals("96x64", r.size());
    assertEquals("draft", r.quality());
    assertEquals(4, r.frames());
    assertTrue(r.seconds() > 0 && r.fps() > 0, r.line());
    assertTrue(r.vmHwmMib() > 0 && r.heapPeakMib() > 0 && r.heapLiveMib() > 0, r.line());
    assertTrue(r.referenceSeconds() > 0 && r.ratio() > 0, r.line());
    // the disc (radius 6.4, dilated by 2) is removed in every frame, and every removal pixel is filled somehow
    assertTrue(r.removalPxPerFrame() > 100, r.line());
    assertEquals(4 * r.removalPxPerFrame(), r.propagated() + r.synthesised(), 4.0, r.line());
    assertEquals(3, r.flowPairs(), r.line());
  }

  @Test
  void childReportsAParsableResultLine() throws Exception {
    InpaintBench.Result r = InpaintBench.runChild(TINY);
    assertSane(r);
    assertEquals(r.line(), InpaintBench.Result.parse(r.line()).line());
  }

  @Test
  void measuresInProcess() throws Exception {
    assertSane(InpaintBench.Result.parse(InpaintBench.measure(TINY).line()));
  }

  @Test
  void parentPrintsTheTableAndTheGoal() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = InpaintBench.runAll(List.of(TINY), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(Main.EXIT_OK, exit, text + err.toString(StandardCharsets.UTF_8));
    assertTrue(text.contains("peak RSS MiB") && text.contains("heap peak/live") && text.contains("x frame read"), text);
    assertTrue(text.lines().anyMatch(l -> l.trim().startsWith("96x64") && l.contains("draft")), text);
    assertTrue(text.contains(InpaintBench.GOAL), text);
  }

  @Test
  void casesAndArguments() {
    assertEquals(TINY, InpaintBench.parseArgs(TINY.args().toArray(String[]::new)));
    assertEquals(48, InpaintBench.parseArgs(new String[] {"--size", "640x360", "--quality", "final"}).frames());
    assertEquals(100, InpaintBench.Case.defaultFrames(1920, 1080, false));
    assertEquals(12, InpaintBench.Case.defaultFrames(1920, 1080, true));
    assertThrows(IllegalArgumentException.class, () -> InpaintBench.parseSize("1920"));
    assertThrows(IllegalArgumentException.class, () -> InpaintBench.parseQuality("best"));
    assertThrows(IllegalArgumentException.class, () -> InpaintBench.Result.parse("RESULT size=1x1"));
    assertEquals(Main.EXIT_USAGE, Main.run("bench", "inpaint", "--sizes", "big"));
    assertEquals(Main.EXIT_USAGE, Main.run("bench", "inpaint", "--quality", "best"));
  }
}
