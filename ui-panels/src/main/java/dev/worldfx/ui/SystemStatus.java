package dev.worldfx.ui;

import dev.worldfx.inference.Backends;
import dev.worldfx.nodes.jobs.JobBoard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The panel process's compute backend and memory use, read when asked. */
final class SystemStatus {
  private SystemStatus() {}

  static void write(JsonText j) {
    Runtime rt = Runtime.getRuntime();
    j.beginObject()
        .field("backend", backend())
        .field("gpu", gpu())
        .field("heapUsedBytes", rt.totalMemory() - rt.freeMemory())
        .field("heapMaxBytes", rt.maxMemory())
        .field("residentBytes", procStatusBytes("VmRSS:"))
        .field("peakResidentBytes", procStatusBytes("VmHWM:"))
        .endObject();
  }

  /** This process's backend; asking opens no device (cuda or auto before any solve: not selected yet). */
  private static String backend() {
    try {
      return Backends.peek().map(JobBoard::describe).orElse("not selected yet (no solve has run in this process)");
    } catch (IllegalArgumentException e) { // an unknown WORLDFX_BACKEND
      return "none: " + e.getMessage();
    }
  }

  /** The GPU in use (with its op count so far), or why none is. */
  private static String gpu() {
    try {
      return Backends.peek().map(s -> Backends.cudaOf(s).map(c -> "CUDA on " + c.runtime().describe() + ", "
              + c.deviceOpCounts().values().stream().mapToLong(Long::longValue).sum() + " ops on the device so far")
          .orElse("none in use: " + s.reason()))
          .orElse("not opened yet: " + Backends.requestedMode(System.getProperty(Backends.MODE_PROPERTY),
              System.getenv(Backends.MODE_ENV)).name().toLowerCase(Locale.ROOT) + " requested, no solve has run");
    } catch (IllegalArgumentException e) {
      return "none in use: " + e.getMessage();
    }
  }

  /** A "kB" line of /proc/self/status in bytes, or -1 where there is no such file (not Linux). */
  private static long procStatusBytes(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          String[] parts = line.substring(field.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
