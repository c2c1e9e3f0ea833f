package dev.worldfx.cli;

import com.google.inject.Guice;
import dev.worldfx.nodes.NodeRegistry;
import dev.worldfx.nodes.NodesModule;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.graph.GraphFile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Renders a node graph file (worldfx/graph.proto): the TD's way to script WorldFX headless. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Render a node graph file: nodes of our kinds, their parameter values (checked against each node's "
        + "own declaration), connections, inputs and output as file patterns, frame range and seed.",
        "Text format (*.textproto) for people, binary for tools (graph.proto in the nodes module). Errors name the "
            + "file, line, column and field. Relative file patterns are relative to the graph file's folder.",
        "Without frames { first last } in the file, the range is that of the first file input. --frames renders part "
            + "of it (a farm chunk): shot solves still cover the whole range, so chunks share them through the "
            + "sequence cache and give the same pixels as one run.",
        "--solve-only solves every shot the graph needs into the sequence cache and writes no frames (a farm's first "
            + "job); --cache points every job of a farm render at the same shared folder."},
    footer = {"", "Exit codes: 0 done, 2 usage error, 3 input error (bad graph file, missing or mismatched frames, "
        + "unusable cache folder), 4 out of memory, 6 output error (unwritable output, disk full), 130 cancelled (Ctrl-C, or Cancel on the web panel).",
        "", "Example graph (remove a logo):",
        "  nodes {",
        "    name: \"clean\"  kind: \"dev.worldfx.Inpaint\"  context: \"general\"",
        "    params { name: \"dilate\" value: \"3\" }",
        "    inputs { key: \"Source\" value: \"plates/shot.%%04d.png\" }",
        "    inputs { key: \"Mask\" value: \"mattes/logo.%%04d.png\" }",
        "  }",
        "  output_node: \"clean\"",
        "  output_pattern: \"out/clean.%%04d.png\"",
        "", "Examples:", "  worldfx run shot.textproto", "  worldfx run shot.textproto --frames 1001-1010",
        "  worldfx run shot.textproto --solve-only --cache /shared/worldfx-cache",
        "  worldfx run shot.textproto --frames 1011-1020 --cache /shared/worldfx-cache"})
final class RunCommand extends WorkCommand implements Callable<Integer> {
  private static final Pattern RANGE = Pattern.compile("(-?\\d+)-(-?\\d+)|(-?\\d+)");

  @Parameters(index = "0", paramLabel = "GRAPH", description = "The graph file (*.textproto, or binary).")
  Path graphFile;

  @Option(names = "--frames", paramLabel = "FIRST-LAST", description = "Only these frames of the graph's range, e.g. 1001-1010.")
  String frames;

  @Option(names = "--report", paramLabel = "FILE",
      description = "Write a JSON report (graph, frames written with their times, the node's messages, timings, "
          + "backend, peak memory, cache hits).")
  Path reportFile;

  @Option(names = "--cache", paramLabel = "DIR",
      description = "Sequence cache folder for the shot solves (default: $WORLDFX_CACHE, else ~/.worldfx/cache); "
          + "on a farm, a folder every host sees.")
  Path cacheDir;

  @Option(names = "--solve-only", description = "Solve the shots into the sequence cache; write no frames.")
  boolean solveOnly;

  @Spec
  CommandSpec spec;


  @Inject
  RunCommand(Io io) {
    super(io);
  }

  @Override
  public Integer call() throws Exception {
    if (solveOnly && frames != null) {
      throw new ParameterException(spec.commandLine(), "--solve-only solves the graph's whole range; drop --frames");
    }
    RunCache cache = new RunCache(cacheDir != null ? cacheDir : SequenceCache.defaultRoot(System.getenv()));
    // the graph's nodes keep their shot solves in this run's cache
    NodeRegistry nodes = Guice.createInjector(new NodesModule(cache)).getInstance(NodeRegistry.class);
    GraphRun.Plan plan;
    GraphFile.Checked graph;
    int[] todo;
    try (var p = report.phase("check")) {
      graph = relativeTo(GraphFile.load(graphFile, nodes), graphFile.toAbsolutePath().getParent());
      plan = GraphRun.plan(graph, graphFile.toString());
      todo = frames == null ? new int[] {plan.first(), plan.last()} : range(frames, plan.first(), plan.last());
    }
    ImageSequence out = plan.output();
    report.put("graph", graphFile.toString()).put("outputNode", graph.output().name()).put("output", out.pattern())
        .put("range", Json.object("first", plan.first(), "last", plan.last())).put("solveOnly", solveOnly)
        .put("frames", new ArrayList<>());
    GraphRun.Result result;
    try (var p = report.phase(solveOnly ? "solve" : "render")) {
      result = GraphRun.render(plan, todo[0], todo[1], !solveOnly, new GraphRun.Hooks(outputs, cancel,
          new Progress(console, report, "run"), text -> {
            console.message("run", text);
            report.message(text);
          }));
    }
    RunCache.Counts counts = cache.counts();
    report.cacheInfo(Json.object("root", cache.root().toString(), "hits", counts.hits(), "misses", counts.misses(),
        "solvedHere", result.solved()));
    console.message("run", String.format(Locale.ROOT, "sequence cache %s: %d hits, %d misses%s", cache.root(),
        counts.hits(), counts.misses(), result.solved() ? " (a shot was solved here)" : ""));
    List<Object> written = new ArrayList<>();
    for (double[] t : result.timings()) {
      written.add(Json.object("number", (int) t[0], "seconds", Json.fixed(t[1], 6)));
    }
    report.put("frames", written);
    if (solveOnly) {
      console.summary(String.format(Locale.ROOT, "worldfx run: solved frames %d-%d of node '%s' into %s in %.2f s "
          + "(no frames written)", todo[0], todo[1], graph.output().name(), cache.root(), result.seconds()));
    } else {
      console.summary(String.format(Locale.ROOT, "worldfx run: wrote frames %d-%d of node '%s' to %s in %.2f s",
          todo[0], todo[1], graph.output().name(), out, result.seconds()));
    }
    return Main.EXIT_OK;
  }

  private int[] range(String text, int first, int last) {
    Matcher m = RANGE.matcher(text.trim());
    if (!m.matches()) {
      throw new ParameterException(spec.commandLine(), "--frames: '" + text + "' is not FIRST-LAST or a frame number");
    }
    int a = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(3));
    int b = m.group(2) != null ? Integer.parseInt(m.group(2)) : a;
    if (b < a || a < first || b > last) {
      throw new ParameterException(spec.commandLine(), "--frames " + text + " is not inside the graph's range "
          + first + "-" + last);
    }
    return new int[] {a, b};
  }

  /** The graph with relative file patterns (inputs and output) made relative to {@code base}. */
  static GraphFile.Checked relativeTo(GraphFile.Checked g, Path base) {
    List<GraphFile.CheckedNode> nodes = new ArrayList<>();
    for (GraphFile.CheckedNode n : g.nodes()) {
      var inputs = new java.util.LinkedHashMap<String, GraphFile.InputRef>();
      n.inputs().forEach((clip, ref) -> inputs.put(clip, ref instanceof GraphFile.InputRef.Files(String p)
          ? new GraphFile.InputRef.Files(base.resolve(p).toString()) : ref));
      nodes.add(new GraphFile.CheckedNode(n.name(), n.node(), n.context(), n.params(), inputs));
    }
    GraphFile.CheckedNode output = nodes.stream().filter(n -> n.name().equals(g.output().name())).findFirst()
        .orElseThrow();
    return new GraphFile.Checked(nodes, output, base.resolve(g.outputPattern()).toString(), g.first(), g.last(),
        g.seed());
  }
}
