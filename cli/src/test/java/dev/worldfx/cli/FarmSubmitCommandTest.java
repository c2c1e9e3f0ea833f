package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * worldfx farm submit: the OpenCue job spec checked against OpenCue's published DTD, its chunks
 * as OpenCue dispatches them, and those chunk command lines run here giving the pixels of one run.
 */
class FarmSubmitCommandTest {
  private static final int W = 64;
  private static final int H = 48;
  private static final int FIRST = 1001;
  private static final int LAST = 1008;

  @TempDir
  Path tmp;

  private void writeShot() throws IOException {
    TestShot.write(tmp, "plates/shot.%04d.png", "mattes/logo.%04d.png", W, H, FIRST, LAST);
  }

  /** The README example's style, writing to {@code out}. */
  private Path graph(String name, String out) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, """
        nodes {
          name: "clean"
          kind: "dev.worldfx.Inpaint"
          context: "general"
          params { name: "dilate" value: "2" }
          inputs { key: "Source" value: "plates/shot.####.png" }
          inputs { key: "Mask" value: "mattes/logo.####.png" }
        }
        seed: 7
        output_node: "clean"
        output_pattern: "OUT"
        """.replace("OUT", out));
    return p;
  }

  private Path dryRun(Path graph, String... more) {
    Path spec = tmp.resolve("job.xml");
    List<String> args = new ArrayList<>(List.of("farm", "submit", graph.toString(), "--dry-run", "--spec",
        spec.toString(), "--worldfx", "/opt/worldfx/worldfx", "--show", "testing", "--shot", "sh010", "--user", "td"));
    args.addAll(Arrays.asList(more));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    return spec;
  }

  // ---- the spec against OpenCue's DTD --------------------------------------------------------

  /** Parses with a validating parser; the DTD is ours (a copy of OpenCue's), never fetched. */
  private static Document validate(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setValidating(true);
    DocumentBuilder b = f.newDocumentBuilder();
    b.setEntityResolver((publicId, systemId) -> {
      assertEquals(OpenCueSpec.DTD_SYSTEM_ID, systemId, "the DOCTYPE names OpenCue's DTD as cuebot resolves it");
      InputStream dtd = FarmSubmitCommandTest.class.getResourceAsStream("/opencue/cjsl-1.15.dtd");
      InputSource s = new InputSource(dtd);
      s.setSystemId(systemId);
      return s;
    });
    b.setErrorHandler(new ErrorHandler() {
      @Override
      public void warning(SAXParseException e) throws SAXException {
        throw e;
      }

      @Override
      public void error(SAXParseException e) throws SAXException {
        throw e;
      }

      @Override
      public void fatalError(SAXParseException e) throws SAXException {
        throw e;
      }
    });
    return b.parse(new InputSource(new StringReader(xml)));
  }

  private static Element layer(Document doc, String name) {
    var layers = doc.getElementsByTagName("layer");
    for (int i = 0; i < layers.getLength(); i++) {
      Element l = (Element) layers.item(i);
      if (l.getAttribute("name").equals(name)) {
        return l;
      }
    }
    throw new AssertionError("no layer " + name);
  }

  private static String text(Element parent, String child) {
    return parent.getElementsByTagName(child).item(0).getTextContent();
  }

  @Test
  void theSpecIsValidAgainstOpenCuesDtdAndTheRenderLayerWaitsForTheSolve() throws Exception {
    writeShot();
    Path spec = dryRun(graph("shot.textproto", "out/clean.####.png"), "--chunk", "3", "--cache",
        tmp.resolve("shared cache").toString(), "--facility", "local", "--service", "worldfx");
    String xml = Files.readString(spec);
    assertTrue(xml.contains("<!DOCTYPE spec PUBLIC"), xml);
    Document doc = validate(xml);
    Element job = (Element) doc.getElementsByTagName("job").item(0);
    assertEquals("testing-sh010-td_worldfx_shot", job.getAttribute("name"));
    Element solve = layer(doc, "solve");
    Element render = layer(doc, "render");
    assertEquals(solve, doc.getElementsByTagName("layer").item(0), "the solve is the first layer");
    assertEquals("1001", text(solve, "range"));
    assertEquals("1", text(solve, "chunk"));
    assertEquals("1001-1008", text(render, "range"));
    assertEquals("3", text(render, "chunk"));
    assertEquals("/opt/worldfx/worldfx run " + tmp.resolve("shot.textproto") + " --solve-only --cache '"
        + tmp.resolve("shared cache") + "'", text(solve, "cmd"));
    assertTrue(text(render, "cmd").contains(" --frames #FRAME_START#-#FRAME_END# --cache '"), text(render, "cmd"));
    Element depend = (Element) doc.getElementsByTagName("depend").item(0);
    assertEquals("LAYER_ON_LAYER", depend.getAttribute("type"));
    assertEquals("render", text(depend, "deplayer"));
    assertEquals("solve", text(depend, "onlayer"));
    assertEquals(job.getAttribute("name"), text(depend, "depjob"));
    assertEquals(job.getAttribute("name"), text(depend, "onjob"));
    assertEquals("worldfx", text(render, "service"));

    // the validator is live: what OpenCue's DTD forbids is refused
    assertThrows(SAXParseException.class, () -> validate(xml.replace("<show>testing</show>", "")));
    assertThrows(SAXParseException.class, () -> validate(xml.replace("type=\"Render\"", "type=\"Solve\"")));
    assertThrows(SAXParseException.class, () -> validate(xml.replace("<chunk>3</chunk>", "")));
  }

  // ---- chunks as OpenCue dispatches them -----------------------------------------------------

  /**
   * The render layer's frames as cuebot runs them, written from its documented behaviour
   * (CueUtil.normalizeFrameRange: one frame every chunk-th frame of the range;
   * DispatchSupportService: #FRAME_START# is that frame, #FRAME_END# the chunk's last frame,
   * cut at the range's end). Returns "a-b" per dispatched frame.
   */
  private static List<String> dispatchedChunks(Element layer) {
    String[] range = text(layer, "range").split("-");
    int first = Integer.parseInt(range[0]);
    int last = range.length > 1 ? Integer.parseInt(range[1]) : first;
    int chunk = Integer.parseInt(text(layer, "chunk"));
    List<String> commands = new ArrayList<>();
    for (int start = first; start <= last; start += chunk) {
      int end = Math.min(start + chunk - 1, last);
      commands.add(text(layer, "cmd").replace("#FRAME_START#", Integer.toString(start))
          .replace("#FRAME_END#", Integer.toString(end)).replace("#IFRAME#", Integer.toString(start)));
    }
    return commands;
  }

  private static List<String> chunkFrames(List<String> commands) {
    return commands.stream().map(c -> c.replaceAll(".* --frames (\\S+) .*", "$1")).toList();
  }

  @Test
  void chunksCoverTheRangeWhateverTheChunkSizeAndBadChunksAreUsageErrors() throws Exception {
    writeShot();
    Path g = graph("shot.textproto", "out/clean.####.png");
    String cache = tmp.resolve("cache").toString();
    Map<String, List<String>> expected = Map.of(
        "3", List.of("1001-1003", "1004-1006", "1007-1008"),   // 8 frames do not divide by 3
        "8", List.of("1001-1008"),
        "100", List.of("1001-1008"),                           // a chunk larger than the range
        "1", List.of("1001-1001", "1002-1002", "1003-1003", "1004-1004", "1005-1005", "1006-1006", "1007-1007",
            "1008-1008"));
    for (var e : expected.entrySet()) {
      Document doc = validate(Files.readString(dryRun(g, "--chunk", e.getKey(), "--cache", cache)));
      assertEquals(e.getValue(), chunkFrames(dispatchedChunks(layer(doc, "render"))), "--chunk " + e.getKey());
    }
    for (String[] bad : new String[][] {{"--chunk", "0"}, {"--chunk", "-3"}, {"--chunk", "ten"}, {}}) {
      Path spec = tmp.resolve("bad.xml");
      List<String> args = new ArrayList<>(List.of("farm", "submit", g.toString(), "--dry-run", "--spec",
          spec.toString(), "--cache", cache));
      args.addAll(Arrays.asList(bad));
      CliRun r = CliRun.of(args.toArray(String[]::new));
      assertEquals(2, r.exit(), Arrays.toString(bad) + ": " + r.err());
      assertTrue(r.err().contains("--chunk"), r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
      assertFalse(Files.exists(spec), "no spec for a bad --chunk");
    }
  }

  @Test
  void badInputIsRefusedBeforeASpecIsWritten() throws Exception {
    writeShot();
    Path g = graph("shot.textproto", "out/clean.####.png");
    Path spec = tmp.resolve("bad.xml");
    Files.delete(tmp.resolve("plates/shot.1005.png"));
    CliRun missing = CliRun.of("farm", "submit", g.toString(), "--chunk", "2", "--dry-run", "--spec", spec.toString(),
        "--cache", tmp.toString());
    assertEquals(3, missing.exit(), missing.err());
    assertTrue(missing.err().contains("missing input frames 1005"), missing.err());
    writeShot();
    CliRun badShow = CliRun.of("farm", "submit", g.toString(), "--chunk", "2", "--dry-run", "--spec", spec.toString(),
        "--cache", tmp.toString(), "--show", "my show");
    assertEquals(2, badShow.exit(), badShow.err());
    assertTrue(badShow.err().contains("OpenCue show 'my show' is not usable"), badShow.err());
    assertFalse(Files.exists(spec));
    IllegalArgumentException noCache = assertThrows(IllegalArgumentException.class,
        () -> FarmSubmitCommand.sharedCache(null, Map.of()));
    assertTrue(noCache.getMessage().contains("give --cache SHARED_DIR"), noCache.getMessage());
    assertEquals(Path.of("/farm/cache"), FarmSubmitCommand.sharedCache(null, Map.of("WORLDFX_CACHE", "/farm/cache")));
    assertEquals(Path.of("/x"), FarmSubmitCommand.sharedCache(Path.of("/x"), Map.of("WORLDFX_CACHE", "/farm/cache")));
  }

  @Test
  void withoutOpenCuesClientTheSpecIsWrittenAndTheExitCodeSaysSo() throws Exception {
    writeShot();
    Path g = graph("shot.textproto", "out/clean.####.png");
    Path spec = tmp.resolve("job.xml");
    CliRun r = CliRun.of("farm", "submit", g.toString(), "--chunk", "4", "--spec", spec.toString(), "--cache",
        tmp.resolve("cache").toString(), "--python", tmp.resolve("no-such-python").toString());
    assertEquals(FarmSubmitCommand.EXIT_NO_OPENCUE, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertTrue(r.err().contains("OpenCue's client is not installed") && r.err().contains("--dry-run"), r.err());
    validate(Files.readString(spec));
  }

  private static boolean hasPython() {
    try {
      return new ProcessBuilder("python3", "-c", "pass").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /**
   * A Python whose {@code opencue} module is a stand-in for pycue's (a test double: launchSpec
   * records the spec it is given and answers a job name, or raises as cuebot's client does when
   * cuebot refuses a spec). It checks our side of the contract: the call, the spec, the answer.
   */
  private Path pythonWithStandIn(String launchSpecBody) throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("stand-in/opencue"));
    Files.writeString(lib.resolve("__init__.py"), "from . import api\n");
    Files.writeString(lib.resolve("api.py"), "def launchSpec(spec):\n" + launchSpecBody);
    Path python = tmp.resolve("stand-in/python");
    Files.writeString(python, "#!/bin/sh\nPYTHONPATH='" + lib.getParent() + "' exec python3 \"$@\"\n");
    python.toFile().setExecutable(true);
    return python;
  }

  @Test
  void aSubmissionHandsTheSpecToOpenCuesPythonApi() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(hasPython(), "python3 is not installed: .ci/run installs it");
    writeShot();
    Path g = graph("shot.textproto", "out/clean.####.png");
    Path spec = tmp.resolve("job.xml");
    Path received = tmp.resolve("received.xml");
    Path python = pythonWithStandIn("    open('" + received + "', 'w').write(spec)\n"
        + "    return ['testing-sh010-td_worldfx_shot']\n");
    CliRun ok = CliRun.of("farm", "submit", g.toString(), "--chunk", "4", "--spec", spec.toString(), "--cache",
        tmp.resolve("cache").toString(), "--python", python.toString(), "--shot", "sh010", "--user", "td");
    assertEquals(0, ok.exit(), ok.err());
    assertEquals(Files.readString(spec), Files.readString(received), "launchSpec gets the spec as written");

    Path refusing = pythonWithStandIn("    raise RuntimeError('Failed to parse job spec XML')\n");
    CliRun refused = CliRun.of("farm", "submit", g.toString(), "--chunk", "4", "--spec", spec.toString(), "--cache",
        tmp.resolve("cache").toString(), "--python", refusing.toString());
    assertEquals(1, refused.exit(), refused.err());
    assertTrue(refused.err().contains("OpenCue did not take the job: RuntimeError: Failed to parse job spec XML"),
        refused.err());
    assertFalse(refused.err().contains("Traceback"), "one line, not Python's traceback: " + refused.err());

    // a real python3 without OpenCue's module
    org.junit.jupiter.api.Assumptions.assumeFalse(new ProcessBuilder("python3", "-c", "import opencue").start()
        .waitFor() == 0, "this python3 has OpenCue's module");
    CliRun absent = CliRun.of("farm", "submit", g.toString(), "--chunk", "4", "--spec", spec.toString(), "--cache",
        tmp.resolve("cache").toString());
    assertEquals(FarmSubmitCommand.EXIT_NO_OPENCUE, absent.exit(), absent.err());
    assertTrue(absent.err().contains("No module named 'opencue'"), absent.err());
  }

  // ---- chunked = one run ---------------------------------------------------------------------

  /** The words of a command line as POSIX sh splits them (rqd hands the command to sh). */
  private static List<String> shellWords(String command) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "printf '%s\\0' " + command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return List.of(out.split("\0"));
  }

  /** Runs one OpenCue frame's command in this JVM: its argv without the worldfx launcher. */
  private static CliRun runHere(String command) throws Exception {
    List<String> argv = shellWords(command);
    assertEquals("/opt/worldfx/worldfx", argv.getFirst());
    return CliRun.of(argv.subList(1, argv.size()).toArray(String[]::new));
  }

  @Test
  void chunkCommandsFromTheSpecRenderTheFramesOfOneRunFromOneSolve() throws Exception {
    writeShot();
    Path single = graph("single.textproto", "single/clean.####.png");
    CliRun one = CliRun.of("run", single.toString(), "--cache", tmp.resolve("single-cache").toString());
    assertEquals(0, one.exit(), one.err());

    Path shared = tmp.resolve("shared cache");
    Document doc = validate(Files.readString(dryRun(graph("farm.textproto", "farm/clean.####.png"), "--chunk", "3",
        "--cache", shared.toString())));
    Element depend = (Element) doc.getElementsByTagName("depend").item(0);
    Element solve = layer(doc, text(depend, "onlayer"));
    Element render = layer(doc, text(depend, "deplayer"));

    CliRun solved = runHere(text(solve, "cmd"));
    assertEquals(0, solved.exit(), solved.err());
    assertTrue(solved.err().contains("(a shot was solved here)"), solved.err());
    assertFalse(Files.exists(tmp.resolve("farm")), "the solve layer writes no frames");
    try (var files = Files.walk(shared)) {
      assertEquals(LAST - FIRST + 1, files.filter(f -> f.toString().endsWith(".wfxc")).count(),
          "the solve layer left one entry per frame in the shared cache");
    }

    List<String> chunks = dispatchedChunks(render);
    assertEquals(3, chunks.size());
    for (String command : chunks) {
      String frames = chunkFrames(List.of(command)).getFirst();
      int a = Integer.parseInt(frames.split("-")[0]), b = Integer.parseInt(frames.split("-")[1]);
      Path report = tmp.resolve("chunk-" + frames + ".json");
      CliRun chunk = runHere(command + " --report " + report);
      assertEquals(0, chunk.exit(), chunk.err());
      assertFalse(chunk.err().contains("solving the shot"), "chunk " + frames + " solved again: " + chunk.err());
      String json = Files.readString(report);
      assertTrue(json.contains("\"hits\": " + (b - a + 1) + ", \"misses\": 0, \"solvedHere\": false"),
          "chunk " + frames + " reads every frame from the shared cache: " + json);
    }
    for (int n = FIRST; n <= LAST; n++) {
      String f = String.format("clean.%04d.png", n);
      assertArrayEquals(Files.readAllBytes(tmp.resolve("single").resolve(f)),
          Files.readAllBytes(tmp.resolve("farm").resolve(f)), "chunked = one run, byte for byte: " + f);
    }
  }
}
