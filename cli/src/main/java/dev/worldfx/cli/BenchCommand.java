package dev.worldfx.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Benchmarks, each printing ratios against a reference measured in the same run.
 * `bridge`: pass-through render through the C test host vs memcpy, and JVM boot time.
 * `kernels`: our CPU kernels vs OpenBLAS (benchmarks module; never shipped).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark; prints ratios against a reference measured in the same run.",
    footer = {"", "Examples:", "  worldfx bench bridge", "  worldfx bench kernels"})
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Which benchmark: bridge | kernels")
  String which;

  @Override
  public Integer call() throws Exception {
    Path root = Path.of(System.getProperty("worldfx.root", "."));
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
            "dev.worldfx.benchmarks.KernelBench");
      }
      default -> throw new IllegalArgumentException("unknown benchmark '" + which + "' (known: bridge, kernels)");
    };
    Process p = new ProcessBuilder(command).inheritIO().start();
    return p.waitFor() == 0 ? Main.EXIT_OK : Main.EXIT_FAILED;
  }

  private static void require(boolean present, String what) {
    if (!present) {
      throw new IllegalArgumentException("build first (./worldfx build): need " + what);
    }
  }
}
