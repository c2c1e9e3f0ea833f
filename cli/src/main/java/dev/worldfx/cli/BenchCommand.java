package dev.worldfx.cli;

import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Benchmarks, each printing ratios against a reference measured in the same run.
 * `bridge`: pass-through render through the C test host vs memcpy, and JVM boot time.
 * `kernels`: our CPU kernels vs OpenBLAS (benchmarks module; never shipped).
 * `inpaint`: the whole-shot Inpaint solve on a synthetic shot, one fresh JVM per case
 * ({@link InpaintBench}), vs generating the shot's frames.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Run a benchmark; prints ratios against a reference measured in the same run.",
        "bridge: per-frame overhead of a pass-through render through the C test host vs memcpy, and JVM boot time.",
        "kernels: our CPU kernels (GEMM, convolution, grid-sample) vs OpenBLAS; with --backend cuda our GPU ops (conv2d "
            + "3x3 64->64 at 1080p, gemm 4096^3 FP32 and TF32, grid-sample at 4K) vs cudnnFind's best algorithm and "
            + "cuBLAS measured in the same run (exit 5 without a usable GPU).",
        "inpaint: the whole-shot Inpaint solve on a synthetic shot (panning background, moving disc), each case "
            + "(size x quality) in a fresh JVM: frames/s, peak RSS and peak heap, and the solve time as a multiple "
            + "of generating the shot's frames once. Goal: draft >= 10 frames/s at 640x360; 1920x1080 100 frames "
            + "within 24 GiB.",
        "extend: back-test, solve and extend a 48-frame 640x360 synthetic shot by 16 frames, draft and final, each in "
            + "a fresh JVM: time and peak RSS. Goal: < 60 s draft."},
    footer = {"", "Examples:", "  worldfx bench bridge", "  worldfx bench kernels",
        "  worldfx bench kernels --backend cuda", "  worldfx bench inpaint",
        "  worldfx bench extend --report bench-extend.json",
        "  worldfx bench inpaint --sizes 640x360 --quality draft --frames 24", "  worldfx bench extend"})
final class BenchCommand extends WorkCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Which benchmark: bridge | kernels | inpaint | extend")
  String which;

  @Option(names = "--sizes", split = ",", paramLabel = "WxH", defaultValue = "640x360,1920x1080",
      description = "inpaint: frame sizes (default: ${DEFAULT-VALUE}).")
  List<String> sizes;

  @Option(names = "--quality", split = ",", paramLabel = "draft|final", defaultValue = "draft,final",
      description = "inpaint: qualities (default: ${DEFAULT-VALUE}).")
  List<String> qualities;

  @Option(names = "--frames", paramLabel = "N",
      description = "inpaint: frames per case (default: 48 below 1280x720; from 1280x720 up 100 for draft, 12 for "
          + "final).")
  Integer frames;

  @Spec
  CommandSpec spec;

  @Mixin
  ReportOption reportFile;

  @Inject
  BenchCommand(Io io) {
    super(io);
  }

  @Override
  public Integer call() throws Exception {
    report.put("benchmark", which);
    // What the benchmark prints goes to people (stdout, or stderr with --json) and into the report.
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream text = new PrintStream(new TeeOutputStream(console.json() ? System.err : System.out, printed), true,
        StandardCharsets.UTF_8);
    try (var p = report.phase(which)) {
      return run(text);
    } finally {
      text.flush();
      report.put("output", printed.toString(StandardCharsets.UTF_8).lines().toList());
    }
  }

  private int run(PrintStream text) throws Exception {
    if ("inpaint".equals(which)) {
      return InpaintBench.runAll(inpaintCases(), text, System.err);
    }
    if ("extend".equals(which)) {
      List<Boolean> qualities = new ArrayList<>();
      for (String q : this.qualities) {
        qualities.add(InpaintBench.parseQuality(q.trim()));
      }
      return ExtendBench.runAll(640, 360, frames != null ? frames : 48, 16, qualities, text, System.err);
    }
    Path root = Path.of(System.getProperty("worldfx.root", "."));
    boolean gpu = dev.worldfx.inference.Backends.requestedMode(System.getProperty(
        dev.worldfx.inference.Backends.MODE_PROPERTY), System.getenv(dev.worldfx.inference.Backends.MODE_ENV))
        == dev.worldfx.inference.Backends.Mode.CUDA;
    if (gpu && "kernels".equals(which)) {
      var cuda = dev.worldfx.inference.cuda.CudaRuntime.shared();
      if (cuda.runtime().isEmpty()) {
        throw new Main.GpuUnavailableException("no CUDA device: " + cuda.reason());
      }
    }
    List<String> command = switch (which) {
      case "bridge" -> {
        Path host = Path.of(System.getProperty("worldfx.testhost", root.resolve("native/target/ofx-test-host").toString()));
        Path bundle = Path.of(System.getProperty("worldfx.bundle", root.resolve("installers/target/WorldFX.ofx.bundle").toString()));
        require(Files.isExecutable(host) && Files.isDirectory(bundle), host + " and " + bundle);
        yield List.of(host.toString(), "--bench", bundle.toString());
      }
      case "kernels" -> {
        Path jar = root.resolve("benchmarks/target/worldfx-benchmarks.jar");
        require(Files.isRegularFile(jar), jar.toString());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        yield List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g",
            "-cp", jar + File.pathSeparator + root.resolve("benchmarks/target/lib") + File.separator + "*",
            gpu ? "dev.worldfx.benchmarks.CudaKernelBench" : "dev.worldfx.benchmarks.KernelBench");
      }
      default -> throw new IllegalArgumentException("unknown benchmark '" + which
          + "' (known: bridge, kernels, inpaint, extend)");
    };
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    p.getInputStream().transferTo(text);
    int rc = p.waitFor();
    return rc == 0 ? Main.EXIT_OK : rc == Main.EXIT_GPU ? Main.EXIT_GPU : Main.EXIT_FAILED;
  }

  /** The cases `bench inpaint` runs: every size with every quality, in that order. */
  List<InpaintBench.Case> inpaintCases() {
    if (frames != null && frames < 1) {
      throw new ParameterException(spec.commandLine(), "--frames must be at least 1, got " + frames);
    }
    List<InpaintBench.Case> cases = new ArrayList<>();
    try {
      for (String size : sizes) {
        int[] wh = InpaintBench.parseSize(size);
        for (String quality : qualities) {
          boolean fin = InpaintBench.parseQuality(quality);
          cases.add(new InpaintBench.Case(wh[0], wh[1], fin,
              frames != null ? frames : InpaintBench.Case.defaultFrames(wh[0], wh[1], fin)));
        }
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return cases;
  }

  /** Writes everything to two streams. */
  private static final class TeeOutputStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeOutputStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
    }
  }

  private static void require(boolean present, String what) {
    if (!present) {
      throw new IllegalArgumentException("build first (./worldfx build): need " + what);
    }
  }
}
