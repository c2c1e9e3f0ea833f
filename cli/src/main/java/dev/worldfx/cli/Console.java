package dev.worldfx.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What a command says, and where: text for people on stderr (a progress bar redrawn in place
 * when stderr is a terminal, plain lines otherwise), the command's summary on stdout, and with
 * {@code --json} one JSON object per line on stdout instead (events documented in the README).
 */
final class Console {
  enum ProgressStyle { BAR, LINES, NONE }

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean stderrTerminal;
  private boolean json;
  private boolean debug;
  private String progress = "auto";
  /** A bar is drawn on the current stderr line and must be ended before other text. */
  private boolean barShown;

  Console(PrintWriter out, PrintWriter err, boolean stderrTerminal) {
    this.out = out;
    this.err = err;
    this.stderrTerminal = stderrTerminal;
    this.debug = "1".equals(System.getenv("WORLDFX_DEBUG"));
  }

  /**
   * Whether this process's stderr is a terminal. The launcher knows (it tests fd 2 before it
   * filters the JVM's stderr through a pipe) and says so in {@code worldfx.stderr.tty}; a JVM
   * started another way looks at its own fd 2.
   */
  static boolean stderrIsTerminal() {
    String told = System.getProperty("worldfx.stderr.tty");
    if (told != null) {
      return Boolean.parseBoolean(told);
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  void json(boolean on) {
    json |= on;
  }

  boolean json() {
    return json;
  }

  void debug(boolean on) {
    debug |= on;
  }

  boolean debug() {
    return debug;
  }

  void progress(String style) {
    String s = style.toLowerCase(Locale.ROOT);
    if (!java.util.List.of("auto", "bar", "lines", "none").contains(s)) {
      throw new IllegalArgumentException("--progress must be auto, bar, lines or none, not '" + style + "'");
    }
    progress = s;
  }

  /** auto: a bar on a terminal, lines otherwise, none on stderr with --json (the events carry it). */
  ProgressStyle progressStyle() {
    return switch (progress) {
      case "bar" -> ProgressStyle.BAR;
      case "lines" -> ProgressStyle.LINES;
      case "none" -> ProgressStyle.NONE;
      default -> json ? ProgressStyle.NONE : stderrTerminal ? ProgressStyle.BAR : ProgressStyle.LINES;
    };
  }

  /** A line for people on stderr. */
  synchronized void say(String text) {
    endBar();
    err.println(text);
    err.flush();
  }

  /** A note from a command or node: a stderr line and, with --json, a message event. */
  synchronized void message(String command, String text) {
    say(command + ": " + text);
    event(Json.object("event", "message", "command", command, "text", text));
  }

  /** The command's summary for people: stdout, or stderr when stdout carries JSON. */
  synchronized void summary(String text) {
    if (json) {
      say(text);
    } else {
      endBar();
      out.println(text);
      out.flush();
    }
  }

  /** Where a command's text for people goes: stdout, or stderr when stdout carries JSON. */
  PrintWriter text() {
    endBar();
    return json ? err : out;
  }

  /** One JSON object on its own stdout line, with --json only. */
  synchronized void event(Map<String, ?> event) {
    if (json) {
      out.println(Json.line(event));
      out.flush();
    }
  }

  /** Redraws the progress bar line in place. */
  synchronized void bar(String text) {
    err.print("\r" + text + "\u001b[K");
    err.flush();
    barShown = true;
  }

  synchronized void endBar() {
    if (barShown) {
      err.println();
      err.flush();
      barShown = false;
    }
  }
}
