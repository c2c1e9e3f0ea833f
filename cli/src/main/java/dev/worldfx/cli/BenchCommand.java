package dev.worldfx.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Benchmarks, each printing ratios against a reference measured in the same run.
 * `bridge`: pass-through render through the C test host vs memcpy, and JVM boot time.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark; prints ratios against a reference measured in the same run.",
    footer = {"", "Example:", "  worldfx bench bridge"})
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Which benchmark: bridge")
  String which;

  @Override
  public Integer call() throws Exception {
    if (!which.equals("bridge")) {
      throw new IllegalArgumentException("unknown benchmark '" + which + "' (known: bridge)");
    }
    Path root = Path.of(System.getProperty("worldfx.root", "."));
    Path host = root.resolve("native/target/ofx-test-host");
    Path bundle = Path.of(System.getProperty("worldfx.bundle", root.resolve("installers/target/WorldFX.ofx.bundle").toString()));
    if (!Files.isExecutable(host) || !Files.isDirectory(bundle)) {
      throw new IllegalArgumentException("build first (./worldfx build): need " + host + " and " + bundle);
    }
    Process p = new ProcessBuilder(host.toString(), "--bench", bundle.toString()).inheritIO().start();
    return p.waitFor() == 0 ? Main.EXIT_OK : Main.EXIT_FAILED;
  }
}
