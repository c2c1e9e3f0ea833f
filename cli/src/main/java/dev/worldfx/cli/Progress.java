package dev.worldfx.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * Progress of one command's long work: the shot solve (fractions the node reports through
 * RenderContext.progress) and the frames written, each with an ETA. Shown as the console's
 * style says (bar, lines or nothing on stderr) and, with --json, as progress events; the solve's
 * time goes into the report.
 */
final class Progress {
  /** A redrawn bar is refreshed at most this often; plain lines every 10 % of a solve. */
  private static final long BAR_REFRESH_NANOS = 100_000_000L;
  private static final int BAR_WIDTH = 24;

  private final Console console;
  private final Report report;
  private final String command;
  private final long framesStart = System.nanoTime();
  private double laterFrameSeconds;
  private int laterFrames;

  Progress(Console console, Report report, String command) {
    this.console = console;
    this.report = report;
    this.command = command;
  }

  /** A sink for one solve's fractions in [0,1]; {@code what} names it, e.g. "solving frames 1001-1048". */
  DoubleConsumer solve(String what) {
    return new DoubleConsumer() {
      private long start = -1;
      private double startFraction;
      private long drawn;
      private int shownTenth = -1;
      private int shownPercent = -1;
      private boolean ended;

      @Override
      public synchronized void accept(double fraction) {
        long now = System.nanoTime();
        double f = Math.clamp(fraction, 0, 1);
        if (start < 0) {
          start = now;
          startFraction = f; // a solver's first report may already be past its quick first step
        }
        double elapsed = (now - start) / 1e9;
        double eta = f - startFraction > 0.02 ? elapsed * (1 - f) / (f - startFraction) : Double.NaN;
        int percent = (int) Math.floor(f * 100);
        switch (console.progressStyle()) {
          case BAR -> {
            if (now - drawn >= BAR_REFRESH_NANOS || f >= 1) {
              drawn = now;
              console.bar(command + ": " + what + " " + bar(f) + String.format(Locale.ROOT, " %3d%%", percent)
                  + (f < 1 && !Double.isNaN(eta) ? " ETA " + clock(eta) : ""));
            }
          }
          case LINES -> {
            if (percent / 10 != shownTenth) {
              shownTenth = percent / 10;
              console.say(String.format(Locale.ROOT, "%s: %s: %d%%", command, what, percent)
                  + (f < 1 && !Double.isNaN(eta) ? " (ETA " + clock(eta) + ")" : ""));
            }
          }
          case NONE -> { }
        }
        if (percent != shownPercent) {
          shownPercent = percent;
          Map<String, Object> e = event("solve");
          e.put("what", what);
          e.put("fraction", Json.fixed(f, 3));
          e.put("elapsedSeconds", Json.fixed(elapsed, 3));
          e.put("etaSeconds", Double.isNaN(eta) ? null : Json.fixed(eta, 1));
          console.event(e);
        }
        if (f >= 1 && !ended) {
          ended = true;
          report.addPhase("solve", elapsed);
        }
      }
    };
  }

  /** Frame {@code number} written, the {@code done}-th of {@code total}, in {@code seconds}. */
  void frame(int number, int done, int total, double seconds) {
    // The first frame of a run carries the shot's solve; later frames say what the rest will take.
    if (done > 1) {
      laterFrameSeconds += seconds;
      laterFrames++;
    }
    double perFrame = laterFrames > 0 ? laterFrameSeconds / laterFrames : seconds;
    double eta = (total - done) * perFrame;
    switch (console.progressStyle()) {
      case BAR -> {
        console.bar(String.format(Locale.ROOT, "%s: frame %d %s %d/%d", command, number, bar((double) done / total),
            done, total) + (done < total ? " ETA " + clock(eta) : ""));
        if (done == total) {
          console.endBar();
        }
      }
      case LINES -> console.say(String.format(Locale.ROOT, "%s: frame %d (%d/%d) %.3f s", command, number, done, total,
          seconds) + (done < total ? " (ETA " + clock(eta) + ")" : ""));
      case NONE -> { }
    }
    Map<String, Object> e = event("frame");
    e.put("frame", number);
    e.put("done", done);
    e.put("total", total);
    e.put("seconds", Json.fixed(seconds, 3));
    e.put("elapsedSeconds", Json.fixed((System.nanoTime() - framesStart) / 1e9, 3));
    e.put("etaSeconds", Json.fixed(eta, 1));
    console.event(e);
  }

  private Map<String, Object> event(String phase) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("event", "progress");
    e.put("command", command);
    e.put("phase", phase);
    return e;
  }

  private static String bar(double f) {
    int filled = (int) Math.round(f * BAR_WIDTH);
    return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
  }

  /** 75 s as 1:15, 3725 s as 1:02:05. */
  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
