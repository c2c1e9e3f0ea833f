package dev.worldfx.cli;

import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.ui.PanelServer;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The web panel over this machine's job records, for when no host runs one. */
@Command(name = "panel", mixinStandardHelpOptions = true,
    description = {"Serve the web panel of this machine's jobs (solves run by hosts and by worldfx, kept in the sequence "
        + "cache's jobs folder) on 127.0.0.1, and print its address with the access token. Runs until Ctrl-C.",
        "Only this machine can connect; whoever has the URL (it holds a fresh random token) can use the panel.",
        "With --json the address comes as a {\"event\": \"panel\", \"url\": ...} line on stdout."},
    footer = {"", "Exit codes: 0 stopped by --exit-after, 2 usage error, 130 stopped by Ctrl-C (the usual way).",
        "", "Examples:", "  worldfx panel", "  worldfx panel --root /mnt/shared/worldfx-cache",
        "  worldfx --json panel --exit-after 600"})
final class PanelCommand extends WorkCommand implements Callable<Integer> {
  /** How often the serving loop looks at the Ctrl-C flag. */
  private static final long POLL_MILLIS = 100;

  @Option(names = "--root", paramLabel = "DIR", description = "Cache folder whose jobs to show (default: $WORLDFX_CACHE "
      + "or ~/.worldfx/cache).")
  Path root;

  @Option(names = "--exit-after", paramLabel = "SECONDS", description = "Stop after this many seconds (default: run "
      + "until Ctrl-C).")
  Long exitAfterSeconds;

  @Spec
  CommandSpec spec;


  @Inject
  PanelCommand(Io io) {
    super(io);
  }

  @Override
  public Integer call() throws Exception {
    if (exitAfterSeconds != null && exitAfterSeconds < 0) {
      throw new ParameterException(spec.commandLine(), "--exit-after must be 0 or more seconds, not "
          + exitAfterSeconds);
    }
    JobBoard board = JobBoard.open(root != null ? root : SequenceCache.defaultRoot(System.getenv()));
    report.put("jobsFolder", board.folder().toString());
    try (PanelServer panel = PanelServer.start(board)) {
      PrintWriter text = console.text();
      text.println("WorldFX panel for the jobs in " + board.folder() + ":");
      text.println("  " + panel.url());
      text.println("Open it in a browser on this machine. Ctrl-C stops the panel.");
      text.flush();
      console.event(Json.object("event", "panel", "url", panel.url().toString(), "jobsFolder",
          board.folder().toString()));
      long deadline = System.nanoTime() + (exitAfterSeconds == null ? 0 : exitAfterSeconds * 1_000_000_000L);
      // Ctrl-C raises the flag; the shutdown waits for the panel to close, then exits 130
      while (!cancel.requested() && (exitAfterSeconds == null || System.nanoTime() - deadline < 0)) {
        Thread.sleep(POLL_MILLIS);
      }
    }
    return Main.EXIT_OK;
  }
}
