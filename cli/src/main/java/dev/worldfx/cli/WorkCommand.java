package dev.worldfx.cli;

import jakarta.inject.Inject;

/**
 * What every command that does work gets: where it prints (human text or JSON lines), the report
 * it fills, the all-or-nothing writer of its outputs, and the cancel flag it polls.
 */
abstract class WorkCommand {
  /** The four collaborators, injected as one. */
  record Io(Console console, Report report, OutputFiles outputs, Cancellation cancel) {
    @Inject
    Io {
    }
  }

  protected final Console console;
  protected final Report report;
  protected final OutputFiles outputs;
  protected final Cancellation cancel;

  WorkCommand(Io io) {
    this.console = io.console();
    this.report = io.report();
    this.outputs = io.outputs();
    this.cancel = io.cancel();
  }
}
