package dev.worldfx.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --report for commands without SolveOptions; Main writes the report whatever the command's outcome. */
final class ReportOption {
  @Option(names = "--report", paramLabel = "FILE",
      description = "Write a JSON report: outcome, what the command found, timings, backend, peak memory, cache hits.")
  Path file;
}
