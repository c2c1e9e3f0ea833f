package dev.worldfx.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.worldfx.nodes.NodesModule;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** worldfx: the headless runner. Exit codes are documented in the README. */
@Command(name = "worldfx", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "WorldFX headless runner: run the Inpaint, ExtendShot and Generate nodes without a host.",
    subcommands = {DemoCommand.class, RunCommand.class, InpaintCommand.class, ExtendCommand.class, BenchCommand.class, DoctorCommand.class, CacheCommand.class,
        InstallCommand.class, UninstallCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Examples:", "  worldfx demo --out /tmp/worldfx-demo", "  worldfx run shot.textproto", "  worldfx bench bridge", "  worldfx install --user",
        "  worldfx doctor"})
public final class Main {
  /** Scripts rely on these; keep them in step with the README. */
  static final int EXIT_OK = 0;
  static final int EXIT_USAGE = 2;
  static final int EXIT_INPUT = 3;
  static final int EXIT_OUT_OF_MEMORY = 4;
  static final int EXIT_FAILED = 1;
  /** --backend cuda asked for something only a GPU can do (the kernel benchmark) and there is no usable one. */
  static final int EXIT_NO_GPU = 5;

  /** Which backend computes: applies to every command (the nodes, the benchmarks, the doctor's report). */
  @CommandLine.Option(names = "--backend", scope = CommandLine.ScopeType.INHERIT, paramLabel = "cpu|cuda|auto",
      description = "Compute backend: cpu (default), cuda (the GPU; the CPU with a warning if there is none), auto (the "
          + "GPU if one is usable). Overrides WORLDFX_BACKEND.")
  void setBackend(String mode) {
    dev.worldfx.inference.Backends.parseMode(mode); // a usage error now, not in the middle of a render
    System.setProperty(dev.worldfx.inference.Backends.MODE_PROPERTY, mode);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    Injector injector = Guice.createInjector(new NodesModule());
    CommandLine cl = new CommandLine(new Main(), new GuiceFactory(injector));
    cl.setExitCodeExceptionMapper(Main::exitCode);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      line.getErr().println("worldfx: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
      return exitCode(ex);
    });
    return cl.execute(args);
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

  static int exitCode(Throwable t) {
    if (t instanceof CommandLine.ParameterException) {
      return EXIT_USAGE;
    }
    if (t instanceof OutOfMemoryError) {
      return EXIT_OUT_OF_MEMORY;
    }
    if (t instanceof IllegalArgumentException || t instanceof java.io.IOException
        || t instanceof java.io.UncheckedIOException || t instanceof dev.worldfx.nodes.NodeException) {
      return EXIT_INPUT;
    }
    return EXIT_FAILED;
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
