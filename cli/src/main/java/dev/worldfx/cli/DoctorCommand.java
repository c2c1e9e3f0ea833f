package dev.worldfx.cli;

import dev.worldfx.inference.io.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import jakarta.inject.Inject;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Says what this machine has for WorldFX: Java, the bundle, OFX plugin folders, logs, OpenEXR, CUDA. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Report Java, the built bundle, OFX plugin folders, log locations, the OpenEXR library and the CUDA libraries found.",
    footer = {"", "Examples:", "  worldfx doctor", "  worldfx doctor --report doctor.json", "  worldfx --json doctor"})
final class DoctorCommand extends WorkCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ReportOption reportFile;

  @Inject
  DoctorCommand(Io io) {
    super(io);
  }

  @Override
  public Integer call() {
    var out = console.text();
    out.println("Java:        " + Runtime.version() + " at " + System.getProperty("java.home"));
    Path bundle = Path.of(System.getProperty("worldfx.bundle", "installers/target/WorldFX.ofx.bundle"));
    Path ofx = bundle.resolve("Contents/Linux-x86-64/WorldFX.ofx");
    out.println("Bundle:      " + bundle.toAbsolutePath() + (Files.isRegularFile(ofx) ? " (built)" : " (not built: ./worldfx build)"));
    report.put("java", Runtime.version().toString()).put("javaHome", System.getProperty("java.home"))
        .put("bundle", bundle.toAbsolutePath().toString()).put("bundleBuilt", Files.isRegularFile(ofx));
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
    List<Object> installs = new ArrayList<>();
    String path = System.getenv("OFX_PLUGIN_PATH");
    if (path != null) {
      folders.addAll(List.of(path.split(":")));
    }
    for (String f : folders) {
      Path installed = Path.of(f, "WorldFX.ofx.bundle");
      out.println("OFX folder:  " + f + (Files.isDirectory(installed) ? " (WorldFX installed)" : ""));
      installs.add(Json.object("folder", f, "worldfxInstalled", Files.isDirectory(installed)));
    }
    String logDir = System.getenv("WORLDFX_LOG_DIR");
    out.println("Logs:        " + (logDir != null ? logDir : System.getProperty("user.home") + "/.worldfx/logs"));
    report.put("ofxFolders", installs).put("logs", logDir != null ? logDir : System.getProperty("user.home") + "/.worldfx/logs");
    var exr = dev.worldfx.cli.exr.OpenExrCore.probe();
    out.println("OpenEXR:     " + (exr.available() ? exr.summary() + " (EXR sequences can be read and written)"
        : exr.problem()));
    report.put("openExr", Json.object("library", exr.library(), "version", exr.version(), "problem", exr.problem()));
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
    report.put("gpu", Json.object("selected", selection.name(), "reason", selection.reason(), "device",
        gpu.runtime().map(r -> (Object) r.describe()).orElse(null), "problem", gpu.runtime().isPresent() ? null
            : gpu.reason()));
    List<Object> libs = new ArrayList<>();
    for (var lib : cuda.libraries()) {
      libs.add(Json.object("role", lib.role(), "path", lib.path().map(Object::toString).orElse(null), "problem",
          lib.problem()));
      out.printf("  %-10s %s%n", lib.role() + ":", lib.path().isEmpty() ? "not found"
          : lib.path().get() + (lib.problem() == null ? "" : " (does not load: " + lib.problem() + ")"));
    }
    out.println("  searched:  " + String.join(":", cuda.searched().stream().map(Object::toString).toList())
        + " (set " + dev.worldfx.inference.cuda.CudaLibraries.LIBS_ENV + " to point at CUDA 13 libraries)");
    report.put("cudaLibraries", libs);
    return Main.EXIT_OK;
  }
}
