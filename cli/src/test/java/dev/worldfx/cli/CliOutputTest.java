package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.worldfx.nodes.NodesModule;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --json events, reports, progress styles, help examples and cancellation, on every command. */
class CliOutputTest {
  private static final int W = 24;
  private static final int H = 16;

  @TempDir
  Path tmp;

  /** A seed no earlier run used, so the sequence cache has no solve for it and this run solves. */
  private static final String FRESH = Long.toString(System.nanoTime() % 100_000_000L);

  private String p(String relative) {
    return tmp.resolve(relative).toString();
  }

  /** Every stdout line is a JSON object with an event; the last is the result. */
  private static List<Map<String, Object>> events(CliRun r) {
    List<Map<String, Object>> events = new ArrayList<>();
    for (String line : r.out().lines().toList()) {
      Map<String, Object> e = JsonParse.object(line);
      assertTrue(e.containsKey("event"), line);
      events.add(e);
    }
    assertFalse(events.isEmpty(), "events on stdout; stderr: " + r.err());
    assertEquals("result", events.getLast().get("event"), r.out());
    for (int i = 0; i < events.size() - 1; i++) {
      assertFalse("result".equals(events.get(i).get("event")), "one result, at the end: " + r.out());
    }
    return events;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void jsonInpaintStreamsProgressThenAResultWithTheReport() throws IOException {
    TestShot.write(tmp, 1, 3, W, H);
    CliRun r = CliRun.of("--json", "inpaint", "--input", p("IN/%04d.png"), "--matte", p("MATTE/%04d.png"),
        "--output", p("OUT/%04d.png"), "--seed", FRESH);
    assertEquals(0, r.exit(), r.err());
    List<Map<String, Object>> events = events(r);
    assertTrue(events.stream().anyMatch(e -> "solve".equals(e.get("phase")) && e.get("fraction").equals(1.0)), r.out());
    assertEquals(3, events.stream().filter(e -> "frame".equals(e.get("phase"))).count(), r.out());
    Map<String, Object> result = events.getLast();
    assertEquals(true, result.get("ok"));
    assertEquals(0.0, result.get("exitCode"));
    assertEquals("inpaint", result.get("command"));
    assertEquals(3.0, result.get("frameCount"));
    assertTrue(map(result.get("phases")).keySet().containsAll(List.of("check", "solve", "render")), r.out());
    assertEquals("cpu", map(result.get("backend")).get("compute"));
    assertTrue(map(result.get("backend")).containsKey("cudaLibraries"));
    assertTrue((Double) map(result.get("memory")).get("peakRssBytes") > 0, r.out());
    assertTrue((Double) map(result.get("memory")).get("peakHeapBytes") > 0, r.out());
    Map<String, Object> cache = map(result.get("cache"));
    assertEquals(true, cache.get("used"), r.out());
    assertTrue(r.err().contains("worldfx inpaint: wrote 3 frames"), "the summary for people goes to stderr");

    // The same shot again, --json after the command: the solve comes from the sequence cache.
    CliRun again = CliRun.of("inpaint", "--input", p("IN/%04d.png"), "--matte", p("MATTE/%04d.png"),
        "--output", p("OUT2/%04d.png"), "--json", "--report", p("r.json"), "--seed", FRESH);
    assertEquals(0, again.exit(), again.err());
    Map<String, Object> cached = map(events(again).getLast().get("cache"));
    assertTrue((Double) cached.get("hits") >= 1 && cached.get("misses").equals(0.0), again.out());
    Map<String, Object> report = JsonParse.object(Files.readString(tmp.resolve("r.json")));
    assertEquals(map(events(again).getLast().get("cache")), report.get("cache"), "the report is the result");
  }

  @Test
  void jsonFailureIsAResultToo() {
    CliRun r = CliRun.of("inpaint", "--json", "--input", p("IN/%04d.png"), "--matte", p("MATTE/%04d.png"),
        "--output", p("OUT/%04d.png"));
    assertEquals(Main.EXIT_INPUT, r.exit());
    Map<String, Object> result = events(r).getLast();
    assertEquals(false, result.get("ok"));
    assertEquals(3.0, result.get("exitCode"));
    assertTrue(((String) result.get("error")).contains("does not exist"), r.out());
    assertTrue(r.err().startsWith("worldfx: error: "), r.err());
  }

  @Test
  void jsonOnTheOtherCommands() throws IOException {
    for (String[] args : List.of(new String[] {"--json", "doctor"}, new String[] {"--json", "cache", "--root", p("C"),
        "ls"}, new String[] {"cache", "--root", p("C"), "verify", "--json"})) {
      CliRun r = CliRun.of(args);
      assertEquals(0, r.exit(), r.err());
      Map<String, Object> result = events(r).getLast();
      assertEquals(true, result.get("ok"), r.out());
    }
    Map<String, Object> doctor = events(CliRun.of("doctor", "--json")).getLast();
    assertTrue(doctor.containsKey("cudaLibraries") && doctor.containsKey("java"), doctor.toString());
  }

  @Test
  void progressIsABarOnATerminalLinesOtherwiseOrNothing() throws IOException {
    TestShot.write(tmp, 1, 3, W, H);
    String[] inpaint = {"inpaint", "--input", p("IN/%04d.png"), "--matte", p("MATTE/%04d.png"), "--output",
        p("OUT/%04d.png")};
    CliRun bar = CliRun.of(concat(inpaint, "--progress", "bar", "--seed", FRESH + 1));
    assertEquals(0, bar.exit(), bar.err());
    assertTrue(bar.err().contains("\rinpaint: solving frames 1-3 [") && bar.err().contains("] 100%"), bar.err());
    assertTrue(bar.err().contains("\rinpaint: frame 2 [################--------] 2/3 ETA "), bar.err());
    CliRun lines = CliRun.of(concat(inpaint, "--seed", FRESH + 2));
    assertFalse(lines.err().contains("\r"), "not a terminal: plain lines");
    assertTrue(lines.err().contains("inpaint: frame 1 (1/3) ") && lines.err().contains("(ETA "), lines.err());
    CliRun none = CliRun.of(concat(inpaint, "--seed", FRESH + 3, "--progress", "none"));
    assertFalse(none.err().contains("solving") || none.err().contains("frame 1"), none.err());
    assertEquals(Main.EXIT_USAGE, CliRun.of(concat(inpaint, "--progress", "loud")).exit());
  }

  @Test
  void aRaisedCancelFlagStopsEveryLongCommandWithNoOutput() throws IOException {
    TestShot.write(tmp, 1, 3, W, H);
    Files.writeString(tmp.resolve("g.textproto"), """
        nodes { name: "c" kind: "dev.worldfx.Inpaint" context: "general"
          inputs { key: "Source" value: "IN/%04d.png" } inputs { key: "Mask" value: "MATTE/%04d.png" } }
        output_node: "c"
        output_pattern: "RUN/%04d.png"
        """);
    for (String[] args : List.of(
        new String[] {"inpaint", "--input", p("IN/%04d.png"), "--matte", p("MATTE/%04d.png"), "--output",
            p("OUT/%04d.png"), "--report", p("r.json")},
        new String[] {"extend", "--input", p("IN/%04d.png"), "--output", p("OUT/%04d.png"), "--frames", "2",
            "--direction", "forward"},
        new String[] {"generate", "--reference", p("IN/%04d.png"), "--output", p("OUT/%04d.png"), "--frames", "2",
            "--save-model", p("OUT/m.safetensors")},
        new String[] {"run", p("g.textproto")},
        new String[] {"demo", "--out", p("OUT"), "--frames", "2", "--size", "16x16"})) {
      Cancellation cancel = new Cancellation();
      cancel.request();
      CliRun r = CliRun.with(b -> b.bind(Cancellation.class).toInstance(cancel), args);
      assertEquals(Main.EXIT_CANCELLED, r.exit(), args[0] + ": " + r.err());
      assertTrue(r.err().contains("worldfx: cancelled"), r.err());
      assertFalse(r.err().contains("\tat "), r.err());
      assertEquals(List.of(), TestShot.listing(tmp.resolve("RUN")), args[0]);
      if (!args[0].equals("demo")) {
        assertEquals(List.of(), TestShot.listing(tmp.resolve("OUT")), args[0]);
      }
    }
    assertTrue(Files.readString(tmp.resolve("r.json")).contains("\"exitCode\": 130"));
  }

  @Test
  void everyCommandsHelpHasAnExample() {
    Console console = new Console(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false);
    var injector = Guice.createInjector(new NodesModule(), b -> {
      b.bind(Console.class).toInstance(console);
      b.bind(Report.class).toInstance(new Report());
      b.bind(OutputFiles.class).toInstance(new OutputFiles());
      b.bind(Cancellation.class).toInstance(new Cancellation());
    });
    List<String> checked = new ArrayList<>();
    check(Main.commandLine(injector), checked);
    assertTrue(checked.containsAll(List.of("worldfx", "worldfx inpaint", "worldfx cache verify", "worldfx bench")),
        checked.toString());
  }

  private static void check(CommandLine cl, List<String> checked) {
    String name = cl.getCommandSpec().qualifiedName();
    if (!name.equals("worldfx help")) {
      String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
      assertTrue(usage.contains("Example"), name + " --help has no example:\n" + usage);
      assertTrue(usage.contains("--json"), name + " --help shows --json:\n" + usage);
      checked.add(name);
    }
    cl.getSubcommands().values().stream().distinct().forEach(sub -> check(sub, checked));
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
