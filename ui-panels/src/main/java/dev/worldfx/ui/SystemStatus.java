package dev.worldfx.ui;

import dev.worldfx.nodes.jobs.JobBoard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The panel process's compute backend and memory use, read when asked. */
final class SystemStatus {
  private SystemStatus() {}

  static void write(JsonText j) {
    Runtime rt = Runtime.getRuntime();
    j.beginObject()
        .field("backend", JobBoard.backend())
        .field("gpu", "none in use: the nodes' kernels run on the CPU (there is no CUDA backend yet)")
        .field("heapUsedBytes", rt.totalMemory() - rt.freeMemory())
        .field("heapMaxBytes", rt.maxMemory())
        .field("residentBytes", procStatusBytes("VmRSS:"))
        .field("peakResidentBytes", procStatusBytes("VmHWM:"))
        .endObject();
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
