package dev.worldfx.cli;

import dev.worldfx.inference.io.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Says what this machine has for WorldFX: Java, the bundle, OFX plugin folders, logs. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Report Java, the built bundle, OFX plugin folders and log locations.")
final class DoctorCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    out.println("Java:        " + Runtime.version() + " at " + System.getProperty("java.home"));
    Path bundle = Path.of(System.getProperty("worldfx.bundle", "installers/target/WorldFX.ofx.bundle"));
    Path ofx = bundle.resolve("Contents/Linux-x86-64/WorldFX.ofx");
    out.println("Bundle:      " + bundle.toAbsolutePath() + (Files.isRegularFile(ofx) ? " (built)" : " (not built: ./worldfx build)"));
    Path runtime = bundle.resolve("Contents/Resources/runtime/lib/server/libjvm.so");
    out.println("  runtime:   " + (Files.isRegularFile(runtime) ? "present" : "missing"));
    Path models = bundle.resolve("Contents/Resources/models");
    try {
      List<ModelRegistry.Entry> entries = Files.isDirectory(models) ? ModelRegistry.open(models).entries() : List.of();
      out.println("  models:    " + (entries.isEmpty() ? "none shipped" : entries.size() + " shipped ("
          + entries.stream().map(ModelRegistry.Entry::name).toList() + ")"));
    } catch (java.io.IOException e) {
      out.println("  models:    unreadable: " + e.getMessage());
    }
    List<String> folders = new ArrayList<>(List.of("/usr/OFX/Plugins", "/usr/local/OFX/Plugins"));
    String path = System.getenv("OFX_PLUGIN_PATH");
    if (path != null) {
      folders.addAll(List.of(path.split(":")));
    }
    for (String f : folders) {
      Path installed = Path.of(f, "WorldFX.ofx.bundle");
      out.println("OFX folder:  " + f + (Files.isDirectory(installed) ? " (WorldFX installed)" : ""));
    }
    String logDir = System.getenv("WORLDFX_LOG_DIR");
    out.println("Logs:        " + (logDir != null ? logDir : System.getProperty("user.home") + "/.worldfx/logs"));
    var cuda = dev.worldfx.inference.cuda.CudaLibraries.probe();
    var mode = dev.worldfx.inference.Backends.requestedMode(System.getProperty(dev.worldfx.inference.Backends.MODE_PROPERTY),
        System.getenv(dev.worldfx.inference.Backends.MODE_ENV));
    // what a render would select: for cpu the device is still opened here, so the doctor says what auto would do
    var gpu = dev.worldfx.inference.cuda.CudaRuntime.shared();
    var selection = dev.worldfx.inference.Backends.select(mode, () -> gpu);
    out.println("Backend:     " + selection.name() + " (" + selection.reason() + "; choose with --backend cpu|cuda|auto or "
        + dev.worldfx.inference.Backends.MODE_ENV + ")");
    out.println("GPU:         " + (gpu.runtime().isPresent() ? "CUDA on " + gpu.runtime().get().describe()
        : "not usable: " + gpu.reason()));
    for (var lib : cuda.libraries()) {
      out.printf("  %-10s %s%n", lib.role() + ":", lib.path().isEmpty() ? "not found"
          : lib.path().get() + (lib.problem() == null ? "" : " (does not load: " + lib.problem() + ")"));
    }
    out.println("  searched:  " + String.join(":", cuda.searched().stream().map(Object::toString).toList())
        + " (set " + dev.worldfx.inference.cuda.CudaLibraries.LIBS_ENV + " to point at CUDA 13 libraries)");
    return Main.EXIT_OK;
  }
}
