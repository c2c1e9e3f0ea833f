package dev.worldfx.cli;

import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.ui.PanelServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The web panel over this machine's job records, for when no host runs one. */
@Command(name = "panel", mixinStandardHelpOptions = true,
    description = {"Serve the web panel of this machine's jobs (solves run by hosts and by worldfx, kept in the sequence "
        + "cache's jobs folder) on 127.0.0.1, and print its address with the access token. Runs until Ctrl-C.",
        "Only this machine can connect; whoever has the URL (it holds a fresh random token) can use the panel."},
    footer = {"", "Examples:", "  worldfx panel", "  worldfx panel --root /mnt/shared/worldfx-cache"})
final class PanelCommand implements Callable<Integer> {
  @Option(names = "--root", paramLabel = "DIR", description = "Cache folder whose jobs to show (default: $WORLDFX_CACHE "
      + "or ~/.worldfx/cache).")
  Path root;

  @Option(names = "--exit-after", paramLabel = "SECONDS", description = "Stop after this many seconds (default: run "
      + "until interrupted).")
  Long exitAfterSeconds;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (exitAfterSeconds != null && exitAfterSeconds < 0) {
      throw new IllegalArgumentException("--exit-after must be 0 or more seconds, got " + exitAfterSeconds);
    }
    JobBoard board = JobBoard.open(root != null ? root : SequenceCache.defaultRoot(System.getenv()));
    try (PanelServer panel = PanelServer.start(board)) {
      PrintWriter out = spec.commandLine().getOut();
      out.println("WorldFX panel for the jobs in " + board.folder() + ":");
      out.println("  " + panel.url());
      out.println("Open it in a browser on this machine. Ctrl-C stops the panel.");
      out.flush();
      if (exitAfterSeconds != null) {
        Thread.sleep(exitAfterSeconds * 1000);
      } else {
        Thread.currentThread().join(); // until the process is interrupted
      }
    }
    return Main.EXIT_OK;
  }
}
