package dev.worldfx.cli;

import dev.worldfx.nodes.NodeRegistry;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.graph.GraphFile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * worldfx farm submit: writes an OpenCue job spec ({@link OpenCueSpec}) whose solve layer fills
 * the shared sequence cache and whose render layer renders chunks from it, then submits it with
 * OpenCue's own client ({@link OpenCueLauncher}). Every path in the commands is absolute: farm
 * hosts run them from a scratch folder and must see the graph, its files and the cache at the
 * same paths (a shared file system).
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {"Split a graph's frame range into chunks of --chunk frames and submit them to OpenCue as one job: "
        + "layer 'solve' (worldfx run GRAPH --solve-only) solves every shot into the shared sequence cache, then "
        + "layer 'render' (one OpenCue frame per chunk: worldfx run GRAPH --frames FIRST-LAST) renders from it.",
        "The job spec (OpenCue's XML format, DTD cjsl-" + OpenCueSpec.VERSION + ") is always written; it is submitted "
            + "through OpenCue's Python API (module opencue, from pycue), which must be installed and configured "
            + "for your cuebot. --dry-run only writes it. Farm hosts run POSIX sh command lines and must see the "
            + "graph, its input and output folders and the cache at the same paths as this machine."},
    footer = {"", "Exit codes: 0 written (and submitted), 2 usage error, 3 input error (bad graph, missing frames), "
        + "1 OpenCue did not take the job, " + FarmSubmitCommand.EXIT_NO_OPENCUE + " OpenCue's client is not "
        + "installed (the spec is written; use --dry-run).",
        "", "Examples:",
        "  worldfx farm submit shot.textproto --chunk 10 --cache /farm/cache --dry-run",
        "  worldfx farm submit shot.textproto --chunk 10 --cache /farm/cache --shot sh010"})
final class FarmSubmitCommand implements Callable<Integer> {
  /** OpenCue's client (Python module opencue) is not installed where worldfx runs. Documented in the README. */
  static final int EXIT_NO_OPENCUE = 6;
  private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(2);
  private static final Pattern UNQUOTED = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  @Parameters(index = "0", paramLabel = "GRAPH", description = "The graph file (*.textproto, or binary).")
  Path graphFile;

  @Option(names = "--chunk", required = true, paramLabel = "N", description = "Frames per chunk (one farm task each).")
  int chunk;

  @Option(names = "--dry-run", description = "Write the job spec only; submit nothing.")
  boolean dryRun;

  @Option(names = "--spec", paramLabel = "FILE",
      description = "Where to write the job spec (default: GRAPH's name with .opencue.xml, in the current folder).")
  Path specFile;

  @Option(names = "--cache", paramLabel = "SHARED_DIR",
      description = "The sequence cache folder every farm host sees (default: $WORLDFX_CACHE; one of them is needed).")
  Path cache;

  @Option(names = "--show", paramLabel = "NAME", description = "OpenCue show (default: $SHOW, else testing).")
  String show;

  @Option(names = "--shot", paramLabel = "NAME", description = "OpenCue shot (default: $SHOT, else GRAPH's name).")
  String shot;

  @Option(names = "--user", paramLabel = "NAME", description = "OpenCue user (default: $USER).")
  String user;

  @Option(names = "--facility", paramLabel = "NAME", description = "OpenCue facility (default: cuebot's).")
  String facility;

  @Option(names = "--name", paramLabel = "NAME",
      description = "Job name after show-shot-user_ (default: worldfx_ and GRAPH's name).")
  String jobName;

  @Option(names = "--service", paramLabel = "NAME", description = "OpenCue service of both layers (default: cuebot's).")
  String service;

  @Option(names = "--worldfx", paramLabel = "EXE",
      description = "The worldfx command as farm hosts see it (default: this installation's launcher).")
  String worldfx;

  @Option(names = "--python", paramLabel = "EXE", defaultValue = "python3",
      description = "The Python with OpenCue's client module opencue (default: ${DEFAULT-VALUE}).")
  String python;

  @Spec
  CommandSpec spec;

  private final NodeRegistry nodes;

  @Inject
  FarmSubmitCommand(NodeRegistry nodes) {
    this.nodes = nodes;
  }

  @Override
  public Integer call() throws Exception {
    if (chunk < 1) {
      throw new ParameterException(spec.commandLine(), "--chunk must be at least 1 frame, got " + chunk);
    }
    Path sharedCache;
    try {
      sharedCache = sharedCache(cache, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path graph = graphFile.toAbsolutePath().normalize();
    // the same checks as worldfx run, here, before anything reaches the farm
    GraphFile.Checked checked = RunCommand.relativeTo(GraphFile.load(graphFile, nodes), graph.getParent());
    GraphRun.Plan plan = GraphRun.plan(checked, graphFile.toString());

    String stem = stem(graph);
    String exe = worldfx != null ? worldfx : defaultWorldfx();
    String cacheArg = sharedCache.toString();
    String run = shellWord(exe) + " run " + shellWord(graph.toString());
    OpenCueSpec job;
    try {
      job = new OpenCueSpec(facility, orDefault(show, System.getenv("SHOW"), "testing"),
          orDefault(shot, System.getenv("SHOT"), stem), orDefault(user, System.getenv("USER"),
          System.getProperty("user.name")), jobName != null ? jobName : "worldfx_" + stem, service,
          plan.first(), plan.last(), chunk,
          run + " --solve-only --cache " + shellWord(cacheArg),
          run + " --frames " + OpenCueSpec.CHUNK_FRAMES + " --cache " + shellWord(cacheArg));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    String fileName = graph.getFileName().toString();
    Path out = specFile != null ? specFile
        : Path.of((fileName.indexOf('.') > 0 ? fileName.substring(0, fileName.indexOf('.')) : fileName) + ".opencue.xml");
    String xml = job.xml();
    PngWriter.replaceAtomically(out, tmp -> Files.writeString(tmp, xml));
    var stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "worldfx farm: wrote %s: job %s, layer %s (1 frame), then layer %s: frames %s in %d "
            + "chunk%s of up to %d%n", out, job.jobName(), OpenCueSpec.SOLVE_LAYER, OpenCueSpec.RENDER_LAYER,
        OpenCueSpec.range(plan.first(), plan.last()), job.chunkCount(), job.chunkCount() == 1 ? "" : "s", chunk);
    if (dryRun) {
      return Main.EXIT_OK;
    }
    try {
      List<String> launched = OpenCueLauncher.launch(python, xml, SUBMIT_TIMEOUT);
      stdout.println("worldfx farm: submitted to OpenCue: " + String.join(", ", launched));
      return Main.EXIT_OK;
    } catch (OpenCueLauncher.NotInstalledException e) {
      spec.commandLine().getErr().println("worldfx farm: OpenCue's client is not installed: " + e.getMessage()
          + "; the spec is written (" + out + "): use --dry-run to only write it, or install pycue (or give --python)");
      return EXIT_NO_OPENCUE;
    }
  }

  /** --cache, else {@value SequenceCache#ROOT_ENV}, as an absolute path: the farm hosts' folder, not this one's default. */
  static Path sharedCache(Path option, Map<String, String> env) {
    String fromEnv = env.get(SequenceCache.ROOT_ENV);
    if (option == null && (fromEnv == null || fromEnv.isBlank())) {
      throw new IllegalArgumentException("give --cache SHARED_DIR (or set " + SequenceCache.ROOT_ENV
          + "): the folder every farm host sees, where the solve job leaves the shot for the chunks");
    }
    return (option != null ? option : Path.of(fromEnv)).toAbsolutePath().normalize();
  }

  private static String orDefault(String option, String env, String fallback) {
    return option != null ? option : env != null && !env.isBlank() ? env : fallback;
  }

  /** The graph file's name without its extension, in the letters OpenCue names take. */
  private static String stem(Path graph) {
    String name = graph.getFileName().toString();
    int dot = name.indexOf('.');
    String s = (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.]", "_");
    return s.length() >= 3 ? s : s + "_graph";
  }

  /** The launcher of this installation (the one that started this JVM), else worldfx on the PATH. */
  private static String defaultWorldfx() {
    String root = System.getProperty("worldfx.root");
    return root != null ? Path.of(root, "worldfx").toAbsolutePath().normalize().toString() : "worldfx";
  }

  /** {@code word} as one POSIX sh word (rqd runs a frame's command through sh). */
  static String shellWord(String word) {
    return UNQUOTED.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
  }
}
