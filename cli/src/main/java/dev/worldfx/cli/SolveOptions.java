package dev.worldfx.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every solving command shares: quality, seed and a JSON report. */
final class SolveOptions {
  @Option(names = "--quality", paramLabel = "draft|final", defaultValue = "draft",
      description = "draft is quick; final refines (full-resolution motion, more iterations) (default: ${DEFAULT-VALUE}).")
  String quality;

  @Option(names = "--seed", defaultValue = "0", description = "Same seed and inputs, same pixels (default: ${DEFAULT-VALUE}).")
  int seed;

  @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON report (settings, timings, what the solve found).")
  Path report;
}
