package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** worldfx run: graph files rendered end to end, and their errors. */
class RunCommandTest {
  private static final int W = 40;
  private static final int H = 24;
  private static final int FIRST = 1001;
  private static final int LAST = 1006;

  @TempDir
  Path tmp;


  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private void writeShot() throws IOException {
    TestShot.write(tmp, FIRST, LAST, W, H);
  }

  private Path graph(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static final String INPAINT = """
      # remove the square
      nodes {
        name: "clean"
        kind: "dev.worldfx.Inpaint"
        context: "general"
        params { name: "seed" value: "4242" }
        inputs { key: "Source" value: "IN/%04d.png" }
        inputs { key: "Mask" value: "MATTE/%04d.png" }
      }
      output_node: "clean"
      output_pattern: "OUT_PATTERN"
      """;

  private byte[] pixels(Path png) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      return PngReader.read(arena, png).digest();
    }
  }

  @Test
  void aGraphRendersWhatTheInpaintCommandRendersAndChunksMatchOneRun() throws IOException {
    writeShot();
    CliRun cli = run("inpaint", "--input", tmp.resolve("IN/%04d.png").toString(), "--matte",
        tmp.resolve("MATTE/%04d.png").toString(), "--output", tmp.resolve("CLI/%04d.png").toString(), "--seed", "4242");
    assertEquals(0, cli.exit(), cli.err());
    Path g = graph("shot.textproto", INPAINT.replace("OUT_PATTERN", "GRAPH/%04d.png"));
    Path report = tmp.resolve("report.json");
    CliRun whole = run("run", g.toString(), "--report", report.toString());
    assertEquals(0, whole.exit(), whole.err());
    String json = Files.readString(report);
    assertTrue(json.contains("\"outputNode\": \"clean\"") && json.contains("\"number\": 1006")
        && json.contains("\"range\": {\"first\": 1001, \"last\": 1006}"), json);
    Path chunked = graph("chunk.textproto", INPAINT.replace("OUT_PATTERN", "CHUNK/%04d.png"));
    for (String chunk : new String[] {"1001-1002", "1003-1005", "1006"}) {
      CliRun r = run("run", chunked.toString(), "--frames", chunk);
      assertEquals(0, r.exit(), r.err());
    }
    for (int n = FIRST; n <= LAST; n++) {
      String f = String.format("%04d.png", n);
      assertEquals(java.util.HexFormat.of().formatHex(pixels(tmp.resolve("CLI").resolve(f))),
          java.util.HexFormat.of().formatHex(pixels(tmp.resolve("GRAPH").resolve(f))), "graph = inpaint command, " + f);
      assertEquals(java.util.HexFormat.of().formatHex(pixels(tmp.resolve("GRAPH").resolve(f))),
          java.util.HexFormat.of().formatHex(pixels(tmp.resolve("CHUNK").resolve(f))), "chunks = one run, " + f);
    }
  }

  private void assertGraphError(String text, String... expected) throws IOException {
    Path g = graph("bad.textproto", text);
    CliRun r = run("run", g.toString());
    assertEquals(3, r.exit(), r.err());
    for (String e : expected) {
      assertTrue(r.err().contains(e), "expected '" + e + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace for a user error: " + r.err());
    assertFalse(Files.exists(tmp.resolve("OUT")), "nothing written");
  }

  @Test
  void graphErrorsNameTheLineColumnAndField() throws IOException {
    writeShot();
    assertGraphError(INPAINT.replace("OUT_PATTERN", "OUT/%04d.png").replace("value: \"4242\"", "value: \"-1\""),
        "bad.textproto:6:", "nodes[0].params[0].value: seed: -1 is outside");
    assertGraphError(INPAINT.replace("OUT_PATTERN", "OUT/%04d.png").replace("dev.worldfx.Inpaint", "dev.worldfx.Paint"),
        "bad.textproto:4:", "nodes[0].kind: unknown node kind 'dev.worldfx.Paint'");
    assertGraphError(INPAINT.replace("OUT_PATTERN", "OUT/%04d.png").replace("key: \"Mask\"", "key: \"Matte\""),
        "bad.textproto:8:", "nodes[0].inputs[Matte]", "has no input clip 'Matte' (it has: Source, Mask)");
    assertGraphError(INPAINT.replace("OUT_PATTERN", "OUT/%04d.png").replace("\"IN/%04d.png\"", "\"plate\""),
        "bad.textproto:7:", "no node named 'plate'");
    assertGraphError(INPAINT.replace("OUT_PATTERN", "OUT/%04d.png").replace("name: \"seed\"", "name: \"sed\""),
        "bad.textproto:6:", "has no parameter 'sed'");
    assertGraphError(INPAINT.replace("OUT_PATTERN", "OUT/%04d.png").replace("context: \"general\"", "context: \"paint\""),
        "bad.textproto:5:", "has no context 'paint'");
    assertGraphError(INPAINT.replace("OUT_PATTERN", "OUT/%04d.png") + "frames { first: 990 last: 1006 }\n",
        "missing input frames 990-1000");
    assertGraphError("nodes { name: \"a\" kind: \"dev.worldfx.Inpaint\" inputs { key: \"Source\" value: \"b\" } }\n"
        + "nodes { name: \"b\" kind: \"dev.worldfx.Inpaint\" inputs { key: \"Source\" value: \"a\" } }\n"
        + "output_node: \"a\"\noutput_pattern: \"OUT/%04d.png\"\n", "form a cycle");
    assertGraphError("nodes { name: \"a\" kind: \"dev.worldfx.Inpaint\" \n", "bad.textproto:2:");
  }

  @Test
  void theReadmeExampleRunsAndABinaryGraphGivesTheSamePixels() throws Exception {
    writeShot();
    // the example's layout: plates/shot.####.png and mattes/logo.####.png beside the graph
    Files.createDirectories(tmp.resolve("plates"));
    Files.createDirectories(tmp.resolve("mattes"));
    for (int n = FIRST; n <= LAST; n++) {
      Files.copy(tmp.resolve(String.format("IN/%04d.png", n)), tmp.resolve(String.format("plates/shot.%04d.png", n)));
      Files.copy(tmp.resolve(String.format("MATTE/%04d.png", n)), tmp.resolve(String.format("mattes/logo.%04d.png", n)));
    }
    String example = Files.readString(Path.of(System.getProperty("worldfx.root", ".."), "examples",
        "remove-logo.textproto"));
    Path text = graph("remove-logo.textproto", example);
    CliRun r = run("run", text.toString(), "--frames", "1001-1002");
    assertEquals(0, r.exit(), r.err());
    var b = dev.worldfx.nodes.proto.Graph.newBuilder();
    com.google.protobuf.TextFormat.merge(example.replace("out/clean.", "bin/clean."), b);
    Path binary = tmp.resolve("remove-logo.binpb");
    Files.write(binary, b.build().toByteArray());
    CliRun rb = run("run", binary.toString(), "--frames", "1001-1002");
    assertEquals(0, rb.exit(), rb.err());
    for (int n = FIRST; n <= FIRST + 1; n++) {
      String f = String.format("clean.%04d.png", n);
      assertEquals(java.util.HexFormat.of().formatHex(pixels(tmp.resolve("out").resolve(f))),
          java.util.HexFormat.of().formatHex(pixels(tmp.resolve("bin").resolve(f))), f);
    }
  }

  @Test
  void theJavaApiRendersWhatTheGraphFileRenders() throws Exception {
    writeShot();
    Path g = graph("shot.textproto", INPAINT.replace("OUT_PATTERN", "FILE/%04d.png"));
    assertEquals(0, run("run", g.toString(), "--frames", "1002-1003").exit());
    double seconds = dev.worldfx.api.WorldFX.graph()
        .node("clean", "dev.worldfx.Inpaint").context("general").param("seed", "4242")
        .input("Source", tmp.resolve("IN/%04d.png").toString()).input("Mask", tmp.resolve("MATTE/%04d.png").toString())
        .end()
        .output("clean", tmp.resolve("API/%04d.png").toString())
        .render(1002, 1003);
    assertTrue(seconds > 0);
    for (int n = 1002; n <= 1003; n++) {
      String f = String.format("%04d.png", n);
      assertEquals(java.util.HexFormat.of().formatHex(pixels(tmp.resolve("FILE").resolve(f))),
          java.util.HexFormat.of().formatHex(pixels(tmp.resolve("API").resolve(f))), f);
    }
    var bad = dev.worldfx.api.WorldFX.graph().node("x", "dev.worldfx.Inpaint").param("dilate", "-1").end()
        .output("x", tmp.resolve("API/%04d.png").toString());
    dev.worldfx.nodes.graph.GraphException e =
        org.junit.jupiter.api.Assertions.assertThrows(dev.worldfx.nodes.graph.GraphException.class, bad::render);
    assertTrue(e.getMessage().contains("nodes[0].params[0].value: dilate: -1 is outside"), e.getMessage());
  }

  @Test
  void framesOutsideTheRangeAreAUsageError() throws IOException {
    writeShot();
    Path g = graph("shot.textproto", INPAINT.replace("OUT_PATTERN", "OUT/%04d.png"));
    CliRun r = run("run", g.toString(), "--frames", "990-1002");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("not inside the graph's range 1001-1006"), r.err());
  }
}
