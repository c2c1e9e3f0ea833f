package dev.worldfx.cli;

import dev.worldfx.nodes.RenderAbortedException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP cancel the command cleanly. The JVM turns these signals
 * into its shutdown; our shutdown hook raises the flag every solve and frame loop polls (the
 * nodes' abort, {@link RenderAbortedException}), then waits for the command to stop, write its
 * report and say so. The JVM then exits with 128 + the signal (130 for Ctrl-C). A command that
 * does not stop within {@link #GRACE_SECONDS} is left behind; the temp files of its unfinished
 * writes are removed first, so no partial output is ever left.
 */
final class Cancellation {
  static final int GRACE_SECONDS = 20;

  private final AtomicBoolean requested = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** A flag only tests raise. */
  Cancellation() {}

  /** The process's flag, raised by the signals above; {@code outputs} loses its temp files if the command hangs. */
  static Cancellation onSignals(OutputFiles outputs) {
    Cancellation c = new Cancellation();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (c.stopped.getCount() == 0) {
        return; // a normal exit: the command finished before
      }
      c.request();
      try {
        if (!c.stopped.await(GRACE_SECONDS, TimeUnit.SECONDS)) {
          outputs.deleteOpenTemps();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "worldfx-cancel"));
    return c;
  }

  void request() {
    requested.set(true);
  }

  boolean requested() {
    return requested.get();
  }

  /** Throws {@link RenderAbortedException} once cancelled; for loops between frames and solve steps. */
  void check() {
    if (requested()) {
      throw new RenderAbortedException();
    }
  }

  /** The command has stopped (done, failed or cancelled) and printed everything. */
  void stopped() {
    stopped.countDown();
  }
}
