package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errors of every subcommand that reads or writes files: missing frames, a bad pattern, a
 * bad graph file, an unknown --set, an unwritable output folder and a disk that fills up. Each
 * gives its documented exit code and one line on stderr, never a stack trace, and leaves no
 * partial or temp file behind.
 */
class CliErrorsTest {
  private static final int W = 24;
  private static final int H = 16;

  @TempDir
  Path tmp;

  private static final String GRAPH = """
      nodes {
        name: "clean"
        kind: "dev.worldfx.Inpaint"
        context: "general"
        inputs { key: "Source" value: "SOURCE" }
        inputs { key: "Mask" value: "MATTE/%04d.png" }
      }
      output_node: "clean"
      output_pattern: "OUTPUT"
      """;

  private static void assertError(CliRun r, int code, String message) {
    assertEquals(code, r.exit(), r.err());
    List<String> lines = r.err().lines().filter(l -> l.startsWith("worldfx:")).toList();
    assertEquals(1, lines.size(), "one error line: " + r.err());
    assertTrue(lines.getFirst().startsWith("worldfx: error: "), r.err());
    assertTrue(lines.getFirst().contains(message), "expected '" + message + "' in: " + r.err());
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
  }

  private String p(String relative) {
    return tmp.resolve(relative).toString();
  }

  private CliRun inpaint(String output, String... extra) {
    return CliRun.of(Stream.concat(Stream.of("inpaint", "--input", p("IN/%04d.png"), "--matte", p("MATTE/%04d.png"),
        "--output", output), Stream.of(extra)).toArray(String[]::new));
  }

  private CliRun extend(String input, String output) {
    return CliRun.of("extend", "--input", input, "--output", output, "--frames", "2", "--direction", "forward",
        "--backtest", "0");
  }

  private Path graph(String source, String output) throws IOException {
    Path g = tmp.resolve("shot.textproto");
    Files.writeString(g, GRAPH.replace("SOURCE", source).replace("OUTPUT", output));
    return g;
  }

  /** A regular file where the output folder should be: unwritable even for root. */
  private String blockedOutput() throws IOException {
    Files.writeString(tmp.resolve("BLOCK"), "a file, not a folder");
    return p("BLOCK/OUT/%04d.png");
  }

  @Test
  void inpaint() throws IOException {
    Files.createDirectories(tmp.resolve("IN"));
    assertError(inpaint(p("OUT/%04d.png")), Main.EXIT_INPUT, "no input frames");
    TestShot.write(tmp, 1, 3, W, H);
    assertError(inpaint(p("OUT/frame.png")), Main.EXIT_USAGE, "needs exactly one frame-number field");
    assertError(inpaint(p("OUT/%04d.png"), "--set", "radius=3"), Main.EXIT_USAGE, "radius");
    assertError(inpaint(blockedOutput()), Main.EXIT_OUTPUT, "--output folder " + p("BLOCK/OUT") + " is not writable");
    assertFalse(Files.exists(tmp.resolve("OUT")), "nothing written for refused command lines");

    CliRun full = CliRun.with(b -> b.bind(OutputFiles.class).toInstance(new DiskFull(1)), "inpaint", "--input",
        p("IN/%04d.png"), "--matte", p("MATTE/%04d.png"), "--output", p("OUT/%04d.png"));
    assertError(full, Main.EXIT_OUTPUT, "cannot write " + p("OUT/0002.png") + ": No space left on device");
    assertEquals(List.of("0001.png"), TestShot.wholePngs(tmp.resolve("OUT")), "the frame before the disk filled");
  }

  @Test
  void extend() throws IOException {
    Files.createDirectories(tmp.resolve("IN"));
    assertError(extend(p("IN/%04d.png"), p("OUT/%04d.png")), Main.EXIT_INPUT, "no shot to extend");
    TestShot.write(tmp, 1, 4, W, H);
    Files.delete(tmp.resolve("IN/0002.png"));
    assertError(extend(p("IN/%04d.png"), p("OUT/%04d.png")), Main.EXIT_INPUT, "has gaps (2)");
    assertError(extend(p("IN/shot.png"), p("OUT/%04d.png")), Main.EXIT_USAGE, "needs exactly one frame-number field");
    Files.copy(tmp.resolve("IN/0001.png"), tmp.resolve("IN/0002.png"));
    assertError(extend(p("IN/%04d.png"), blockedOutput()), Main.EXIT_OUTPUT, "is not writable");
    assertFalse(Files.exists(tmp.resolve("OUT")));

    // Two frames: too short for the appearance network, so the model fits in a second.
    TestShot.write(tmp.resolve("short"), 1, 2, W, H);
    CliRun full = CliRun.with(b -> b.bind(OutputFiles.class).toInstance(new DiskFull(0)), "extend", "--input",
        p("short/IN/%04d.png"), "--output", p("OUT/%04d.png"), "--frames", "2", "--direction", "forward",
        "--backtest", "0");
    assertError(full, Main.EXIT_OUTPUT, "No space left on device");
    assertEquals(List.of(), TestShot.wholePngs(tmp.resolve("OUT")), "no partial frame");
  }

  @Test
  void run() throws IOException {
    Files.createDirectories(tmp.resolve("IN"));
    assertError(CliRun.of("run", graph("IN/%04d.png", "OUT/%04d.png").toString()), Main.EXIT_INPUT, "no input frames");
    TestShot.write(tmp, 1001, 1003, W, H);
    Files.delete(tmp.resolve("MATTE/1002.png"));
    assertError(CliRun.of("run", graph("IN/%04d.png", "OUT/%04d.png").toString()), Main.EXIT_INPUT,
        "missing input frames 1002 of");
    TestShot.write(tmp, 1001, 1003, W, H);
    assertError(CliRun.of("run", graph("IN/%04d.png", "OUT/clean.png").toString()), Main.EXIT_INPUT,
        "shot.textproto:9:1: output_pattern: output_pattern needs a frame-number field");
    Path g = graph("IN/%04d.png", "OUT/%04d.png");
    Files.writeString(g, Files.readString(g).replace("context: \"general\"", "context: \"general\"\n  params {"
        + " name: \"dilate\" value: 3 }"));
    assertError(CliRun.of("run", g.toString()), Main.EXIT_INPUT, "shot.textproto:5:");
    Files.writeString(g, GRAPH.replace("SOURCE", "IN/%04d.png").replace("OUTPUT", "OUT/%04d.png")
        .replace("context: \"general\"", "context: \"general\"\n  params { name: \"radius\" value: \"3\" }"));
    assertError(CliRun.of("run", g.toString()), Main.EXIT_INPUT, "shot.textproto:5:");
    assertError(CliRun.of("run", tmp.resolve("none.textproto").toString()), Main.EXIT_INPUT, "none.textproto");
    assertError(CliRun.of("run", graph("IN/%04d.png", blockedOutput().substring(tmp.toString().length() + 1))
        .toString()), Main.EXIT_OUTPUT, "is not writable");
    assertFalse(Files.exists(tmp.resolve("OUT")));

    CliRun full = CliRun.with(b -> b.bind(OutputFiles.class).toInstance(new DiskFull(2)), "run",
        graph("IN/%04d.png", "OUT/%04d.png").toString());
    assertError(full, Main.EXIT_OUTPUT, "cannot write " + p("OUT/1003.png") + ": No space left on device");
    assertEquals(List.of("1001.png", "1002.png"), TestShot.wholePngs(tmp.resolve("OUT")));
  }

  @Test
  void demoAndTheSmallCommands() throws IOException {
    assertError(CliRun.of("demo", "--out", blockedOutput().replace("/%04d.png", ""), "--frames", "2"),
        Main.EXIT_OUTPUT, "is not writable");
    CliRun full = CliRun.with(b -> b.bind(OutputFiles.class).toInstance(new DiskFull(3)), "demo", "--out",
        p("DEMO"), "--frames", "2", "--size", "16x16");
    assertError(full, Main.EXIT_OUTPUT, "No space left on device");
    assertEquals(3, TestShot.wholePngs(tmp.resolve("DEMO")).size());

    assertError(CliRun.of("install", "--path", p("BLOCK/ofx")), Main.EXIT_OUTPUT, "OFX plugin folder " + p("BLOCK/ofx")
        + " is not writable");
    assertError(CliRun.of("bench", "nosuch"), Main.EXIT_INPUT, "unknown benchmark 'nosuch'");
    assertError(CliRun.of("cache", "--root", p("C"), "prune", "--max-bytes", "lots"), Main.EXIT_INPUT, "not a size");
    assertError(CliRun.of("cache", "--root", p("BLOCK/C"), "ls"), Main.EXIT_INPUT, "BLOCK");
    assertError(CliRun.of("cache"), Main.EXIT_USAGE, "missing command: one of ls, prune, verify");
    assertError(CliRun.of("nosuch"), Main.EXIT_USAGE, "Unmatched argument");
    assertError(CliRun.of("inpaint", "--input"), Main.EXIT_USAGE, "--input");
  }

  @Test
  void aFailedCommandStillWritesItsReportAndAnUnwritableReportFailsFirst() throws IOException {
    Files.createDirectories(tmp.resolve("IN"));
    Path report = tmp.resolve("r.json");
    assertError(inpaint(p("OUT/%04d.png"), "--report", report.toString()), Main.EXIT_INPUT, "no input frames");
    String json = Files.readString(report);
    assertTrue(json.contains("\"ok\": false,") && json.contains("\"exitCode\": 3,")
        && json.contains("\"error\": \"no input frames"), json);

    TestShot.write(tmp, 1, 2, W, H);
    blockedOutput();
    assertError(inpaint(p("OUT/%04d.png"), "--report", p("BLOCK/r.json")), Main.EXIT_OUTPUT, "--report folder");
    assertFalse(Files.exists(tmp.resolve("OUT")), "refused before any work");
  }

  @Test
  void debugShowsTheStackTrace() throws IOException {
    Files.createDirectories(tmp.resolve("IN"));
    CliRun r = inpaint(p("OUT/%04d.png"), "--debug");
    assertEquals(Main.EXIT_INPUT, r.exit());
    assertTrue(r.err().contains("\tat "), r.err());
  }
}
