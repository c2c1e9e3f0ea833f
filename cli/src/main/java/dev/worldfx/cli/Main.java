package dev.worldfx.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.NodesModule;
import dev.worldfx.nodes.RenderAbortedException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * worldfx: the headless runner. The exit codes below are documented in the README; every
 * failure ends in exactly one place ({@link #finish}): one line {@code worldfx: error: ...} on
 * stderr (the stack trace only with --debug or WORLDFX_DEBUG=1), the report if one was asked
 * for, and with --json the final result event.
 */
@Command(name = "worldfx", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "WorldFX headless runner: run the Inpaint, ExtendShot and Generate nodes without a host.",
    subcommands = {DemoCommand.class, RunCommand.class, FarmCommand.class, InpaintCommand.class, ExtendCommand.class,
        GenerateCommand.class, BenchCommand.class, DoctorCommand.class, CacheCommand.class, PanelCommand.class,
        InstallCommand.class, UninstallCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 internal error, 2 usage error, 3 input error, 4 out of memory, 5 GPU error, "
        + "6 output error (unwritable, disk full), 130 cancelled (Ctrl-C or the web panel; 143 for SIGTERM).",
        "", "Examples:", "  worldfx demo --out /tmp/worldfx-demo", "  worldfx run shot.textproto", "  worldfx bench bridge",
        "  worldfx --json inpaint --input IN/%%04d.png --matte M/%%04d.png --output OUT/%%04d.png",
        "  worldfx install --user", "  worldfx doctor"})
public final class Main {
  /** Scripts rely on these; keep them in step with the README. */
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_INPUT = 3;
  static final int EXIT_OUT_OF_MEMORY = 4;
  static final int EXIT_GPU = 5;
  static final int EXIT_OUTPUT = 6;
  /** 128 + SIGINT, what a shell reports for a program stopped by Ctrl-C. */
  static final int EXIT_CANCELLED = 130;

  private final Console console;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Inject
  Main(Console console) {
    this.console = console;
  }

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Machine-readable output: one JSON object per line on stdout (progress and message events, then "
          + "a final result); text for people goes to stderr.")
  void json(boolean on) {
    console.json(on);
  }

  @Option(names = "--progress", scope = ScopeType.INHERIT, paramLabel = "auto|bar|lines|none",
      description = "Progress on stderr: a bar with ETA on a terminal, plain lines otherwise (auto), or as told.")
  void progress(String style) {
    if (style != null) {
      console.progress(style);
    }
  }

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Print the stack trace of an error (also WORLDFX_DEBUG=1).")
  void debug(boolean on) {
    console.debug(on);
  }

  /** Which backend computes: applies to every command (the nodes, the benchmarks, the doctor's report). */
  @Option(names = "--backend", scope = ScopeType.INHERIT, paramLabel = "cpu|cuda|auto",
      description = "Compute backend: cpu (default), cuda (the GPU; the CPU with a warning if there is none), auto (the "
          + "GPU if one is usable). Overrides WORLDFX_BACKEND.")
  void setBackend(String mode) {
    try {
      dev.worldfx.inference.Backends.parseMode(mode); // a usage error now, not in the middle of a render
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    System.setProperty(dev.worldfx.inference.Backends.MODE_PROPERTY, mode);
  }

  public static void main(String[] args) {
    OutputFiles outputs = new OutputFiles();
    Cancellation cancel = Cancellation.onSignals(outputs);
    int code = run(binder -> {
      binder.bind(OutputFiles.class).toInstance(outputs);
      binder.bind(Cancellation.class).toInstance(cancel);
    }, args);
    // If a signal started the JVM's shutdown, the hook waits for this; the JVM then exits with 128 + the signal.
    cancel.stopped();
    System.exit(code);
  }

  static int run(String... args) {
    return run(binder -> { }, args);
  }

  /** Runs one command line; {@code overrides} replaces bindings (tests: a full disk, a raised cancel flag). */
  static int run(Module overrides, String... args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    Console console = new Console(out, err, Console.stderrIsTerminal());
    Report.resetPeakHeap();
    Report report = new Report();
    Module session = new AbstractModule() {
      @Override
      protected void configure() {
        bind(Console.class).toInstance(console);
        bind(Report.class).toInstance(report);
        bind(OutputFiles.class).toInstance(new OutputFiles());
        bind(Cancellation.class).toInstance(new Cancellation());
      }
    };
    Injector injector = Guice.createInjector(Modules.override(new NodesModule(), session).with(overrides));
    CommandLine cl = commandLine(injector);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionStrategy(parsed -> execute(parsed, injector));
    cl.setParameterExceptionHandler((e, a) -> finish(injector, null, e));
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Every command, its dependencies from {@code injector}. */
  static CommandLine commandLine(Injector injector) {
    return new CommandLine(injector.getInstance(Main.class), new GuiceFactory(injector));
  }

  private static int execute(ParseResult parsed, Injector injector) {
    Report report = injector.getInstance(Report.class);
    List<String> names = new ArrayList<>();
    for (ParseResult p = parsed.subcommand(); p != null; p = p.subcommand()) {
      if (!p.commandSpec().name().equals("help")) {
        names.add(p.commandSpec().name());
      }
    }
    report.command(names.isEmpty() ? "worldfx" : String.join(" ", names));
    ParseResult last = parsed;
    boolean help = parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested();
    while (last.subcommand() != null) {
      last = last.subcommand();
      help |= last.isUsageHelpRequested() || last.isVersionHelpRequested() || last.commandSpec().name().equals("help");
    }
    if (help) {
      return new CommandLine.RunLast().execute(parsed);
    }
    try {
      Object command = last.commandSpec().userObject();
      if (!(command instanceof Runnable || command instanceof java.util.concurrent.Callable
          || command instanceof java.lang.reflect.Method)) {
        throw new CommandLine.ParameterException(last.commandSpec().commandLine(), "missing command: one of "
            + String.join(", ", last.commandSpec().subcommands().keySet()));
      }
      Path reportFile = reportFile(parsed);
      if (reportFile != null) {
        injector.getInstance(OutputFiles.class).requireWritableFolder(reportFile.toAbsolutePath().getParent(),
            "--report");
      }
      int code = new CommandLine.RunLast().execute(parsed);
      return finish(injector, parsed, code == EXIT_OK ? null : new Failed(code));
    } catch (CommandLine.ExecutionException e) {
      return finish(injector, parsed, e.getCause() != null ? e.getCause() : e);
    } catch (RuntimeException | Error | OutputException e) {
      return finish(injector, parsed, e);
    }
  }

  /** A command that returned a non-zero code itself, having said why. */
  private static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    Failed(int code) {
      super(null, null, false, false);
      this.code = code;
    }
  }

  /**
   * The end of every command line: the error line (if any), the report file and the final JSON
   * result. Returns the exit code.
   */
  private static int finish(Injector injector, ParseResult parsed, Throwable failure) {
    Console console = injector.getInstance(Console.class);
    Report report = injector.getInstance(Report.class);
    boolean cancelled = injector.getInstance(Cancellation.class).requested();
    int code = failure == null ? EXIT_OK : cancelled ? EXIT_CANCELLED : failure instanceof Failed f ? f.code
        : exitCode(failure);
    String error = failure == null || failure instanceof Failed ? null : message(failure, code);
    // Ctrl-C and a cancel from the web panel are both "cancelled" (130); the line says which it was
    String cancelledHow = code != EXIT_CANCELLED ? null : cancelled ? "cancelled" : cancelReason(failure);
    if (code == EXIT_CANCELLED) {
      console.say("worldfx: " + cancelledHow + "; every frame written is complete, no partial file is left");
    } else if (error != null) {
      String hint = failure instanceof CommandLine.ParameterException pe && pe.getCommandLine() != null
          ? " (see '" + pe.getCommandLine().getCommandSpec().qualifiedName() + " --help')"
          : code == EXIT_FAILED && !console.debug() ? " (run with --debug or WORLDFX_DEBUG=1 for the stack trace)" : "";
      console.say("worldfx: error: " + error + hint);
    }
    if (failure != null && console.debug() && !(failure instanceof Failed)) {
      failure.printStackTrace(console.err());
      console.err().flush();
    }
    Map<String, Object> result = report.finish(code, code == EXIT_CANCELLED ? cancelledHow : error);
    Path reportFile = parsed != null ? reportFile(parsed) : null;
    if (reportFile != null) {
      try {
        injector.getInstance(OutputFiles.class).replace(reportFile, tmp -> java.nio.file.Files.writeString(tmp,
            Json.pretty(result)));
      } catch (OutputException e) {
        if (code == EXIT_OK) { // otherwise the command's own error is the one line said
          console.say("worldfx: error: " + e.getMessage());
          code = EXIT_OUTPUT;
          result.put("ok", false);
          result.put("exitCode", code);
          result.put("error", e.getMessage());
        }
      }
    }
    Map<String, Object> event = new java.util.LinkedHashMap<>();
    event.put("event", "result");
    event.putAll(result);
    console.event(event);
    return code;
  }

  /** The --report value of the command that ran, if it has that option and was given it. */
  private static Path reportFile(ParseResult parsed) {
    ParseResult last = parsed;
    while (last.subcommand() != null) {
      last = last.subcommand();
    }
    return last.hasMatchedOption("--report") ? last.matchedOptionValue("--report", (Path) null) : null;
  }

  /** "cancelled", or the reason the abort gives (a cancel from the web panel says so). */
  private static String cancelReason(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RenderAbortedException r && r.reason().isPresent()) {
        return r.reason().get();
      }
    }
    return "cancelled";
  }

  /**
   * Where the GPU computed (only when the cuda backend was selected): ops on the device by kind, cases the backend
   * ran on the CPU itself, and ops that fell back, so a "cuda" run never hides CPU work.
   */
  static void reportGpuUse(java.io.PrintWriter out) {
    dev.worldfx.inference.Backends.selectedCuda().ifPresent(c -> out.println("backend cuda: "
        + c.deviceOpCounts().values().stream().mapToLong(Long::longValue).sum() + " ops on the device "
        + c.deviceOpCounts() + "; run on the CPU by the backend: " + c.cpuCases() + "; fell back: "
        + dev.worldfx.inference.Backends.fallbacks()));
  }

  /** A command that needs a GPU (--backend cuda on the kernel benchmark) found none usable: exit 5. */
  static final class GpuUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GpuUnavailableException(String message) {
      super(message);
    }
  }

  /** The documented exit code of a failure. */
  static int exitCode(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RenderAbortedException) {
        return EXIT_CANCELLED;
      }
      if (t instanceof OutputException || t instanceof IOException io && io.getMessage() != null
          && (io.getMessage().contains("No space left on device") || io.getMessage().contains("Disk quota exceeded"))) {
        return EXIT_OUTPUT;
      }
      if (t instanceof OutOfMemoryError) {
        return EXIT_OUT_OF_MEMORY;
      }
      // The CUDA backend (inference.cuda) is where GPU failures come from.
      if (t instanceof GpuUnavailableException || t.getClass().getName().startsWith("dev.worldfx.inference.cuda.")) {
        return EXIT_GPU;
      }
    }
    if (failure instanceof CommandLine.ParameterException) {
      return EXIT_USAGE;
    }
    if (failure instanceof IllegalArgumentException || failure instanceof IOException
        || failure instanceof UncheckedIOException || failure instanceof NodeException) {
      return EXIT_INPUT;
    }
    return EXIT_FAILED;
  }

  /** The failure as one line a user can act on. */
  private static String message(Throwable failure, int code) {
    Throwable t = failure instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : failure;
    String text = t.getMessage();
    if (code == EXIT_OUT_OF_MEMORY) {
      text = "out of memory (" + text + "); give Java more with JAVA_TOOL_OPTIONS=-Xmx..., or render smaller frames";
    } else if (code == EXIT_FAILED) {
      text = "internal error: " + t;
    } else if (text == null || text.isBlank()) {
      text = t.getClass().getSimpleName();
    }
    return text.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"worldfx " + (v != null ? v : "(development build)") + ", Java " + Runtime.version()};
    }
  }

  /** Commands get their dependencies from Guice. */
  private record GuiceFactory(Injector injector) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        return injector.getInstance(cls);
      } catch (com.google.inject.ConfigurationException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}
