package dev.worldfx.ofx;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The Java side's log, beside the shim's: $WORLDFX_LOG_DIR or ~/.worldfx/logs/worldfx.log.
 * Hosts hide stderr, and a failed render must leave a trace the user can send us.
 */
final class BridgeLog {
  /** Hosts start many times a day; keep one previous log and never grow without bound. */
  static final long ROTATE_BYTES = 4L << 20;

  private BridgeLog() {}

  static Path directory() {
    String dir = System.getenv("WORLDFX_LOG_DIR");
    if (dir != null && !dir.isEmpty()) {
      return Path.of(dir);
    }
    return Path.of(System.getProperty("user.home"), ".worldfx", "logs");
  }

  static void info(String message) {
    write("INFO " + message);
  }

  static void error(String message, Throwable t) {
    StringWriter trace = new StringWriter();
    if (t != null) {
      t.printStackTrace(new PrintWriter(trace));
    }
    write("ERROR " + message + (t != null ? "\n" + trace : ""));
  }

  private static synchronized void write(String line) {
    try {
      Path dir = directory();
      Files.createDirectories(dir);
      Path log = dir.resolve("worldfx.log");
      if (Files.exists(log) && Files.size(log) > ROTATE_BYTES) {
        Files.move(log, dir.resolve("worldfx.log.1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Files.writeString(log,
          Instant.now() + " pid=" + ProcessHandle.current().pid() + " " + line + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      // Logging must never take a render down; stderr is the last place left.
      System.err.println("WorldFX: " + line);
    }
  }
}
