package dev.worldfx.cli;

import dev.worldfx.inference.Backends;
import dev.worldfx.inference.cuda.CudaLibraries;
import dev.worldfx.nodes.cache.CacheStats;
import dev.worldfx.nodes.cache.DefaultCache;
import dev.worldfx.nodes.cache.SequenceCache;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one report every command fills: what the command puts (settings, frames, the back-test
 * table...), the nodes' messages, seconds per phase, and what {@link #finish} adds for every
 * command: the outcome, the compute backend with the CUDA probe, peak memory, sequence cache
 * hits and misses. `--report FILE` writes it; with `--json` it is the final result event.
 */
final class Report {
  private final long start = System.nanoTime();
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final Map<String, Double> phases = new LinkedHashMap<>();
  private final LinkedHashSet<String> messages = new LinkedHashSet<>();
  private final long cacheHitsBefore;
  private final long cacheMissesBefore;
  private Map<String, Object> cacheInfo;
  private String command = "worldfx";

  Report() {
    // The CLI process starts with no cache open; in-process callers (tests) count from here.
    Optional<CacheStats> before = DefaultCache.ifOpened().flatMap(Report::stats);
    cacheHitsBefore = before.map(CacheStats::hits).orElse(0L);
    cacheMissesBefore = before.map(CacheStats::misses).orElse(0L);
  }

  /** Peak heap counts from here: the CLI calls this as a command starts. */
  static void resetPeakHeap() {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  void command(String name) {
    command = name;
  }

  /** A command's own entry; later puts of one key replace earlier ones. */
  synchronized Report put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  /** A node's or command's message; each distinct text once, in order. */
  synchronized void message(String text) {
    messages.add(text);
  }

  synchronized void addPhase(String name, double seconds) {
    phases.merge(name, seconds, Double::sum);
  }

  /** Times a phase: {@code try (var p = report.phase("check")) { ... }}. */
  Phase phase(String name) {
    return new Phase(name, System.nanoTime());
  }

  final class Phase implements AutoCloseable {
    private final String name;
    private final long t0;

    private Phase(String name, long t0) {
      this.name = name;
      this.t0 = t0;
    }

    @Override
    public void close() {
      addPhase(name, (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The whole report: outcome first, then the command's entries, then what every report has. */
  synchronized Map<String, Object> finish(int exitCode, String error) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("command", command);
    r.put("ok", exitCode == Main.EXIT_OK);
    r.put("exitCode", exitCode);
    if (error != null) {
      r.put("error", error);
    }
    r.putAll(fields);
    r.put("messages", new ArrayList<>(messages));
    Map<String, Object> ph = new LinkedHashMap<>();
    phases.forEach((k, v) -> ph.put(k, Json.fixed(v, 6)));
    r.put("phases", ph);
    r.put("totalSeconds", Json.fixed((System.nanoTime() - start) / 1e9, 6));
    r.put("backend", backend());
    r.put("memory", memory());
    r.put("cache", cache());
    return r;
  }

  private static Map<String, Object> backend() {
    CudaLibraries.Probe cuda = CudaLibraries.probe();
    Map<String, Object> b = new LinkedHashMap<>();
    // The selection the nodes computed with (--backend / WORLDFX_BACKEND; cpu unless asked). Reporting it opens no
    // device: cuda or auto before any op ran says so. With cuda: what ran on the device, what the backend kept on
    // the CPU, and what fell back.
    try {
      Optional<Backends.Selection> selection = Backends.peek();
      if (selection.isPresent()) {
        Backends.Selection s = selection.get();
        b.put("compute", s.name());
        b.put("requested", s.requested().name().toLowerCase(Locale.ROOT));
        b.put("reason", s.reason());
        Backends.cudaOf(s).ifPresent(c -> {
          Map<String, Object> ops = new LinkedHashMap<>();
          c.deviceOpCounts().forEach((k, v) -> ops.put(k.name(), v));
          b.put("deviceOps", ops);
          Map<String, Object> kept = new java.util.TreeMap<>();
          c.cpuCases().forEach((k, v) -> kept.put(k.name(), v));
          b.put("cpuCases", kept);
        });
      } else {
        b.put("compute", "none");
        b.put("requested", Backends.requestedMode(System.getProperty(Backends.MODE_PROPERTY),
            System.getenv(Backends.MODE_ENV)).name().toLowerCase(Locale.ROOT));
        b.put("reason", "no op ran, so no backend was selected");
      }
      b.put("fallbacks", new java.util.TreeMap<String, Object>(Backends.fallbacks()));
    } catch (IllegalArgumentException e) { // an unknown WORLDFX_BACKEND: the command has said so already
      b.put("compute", "none");
      b.put("reason", e.getMessage());
    }
    b.put("cpuCores", Runtime.getRuntime().availableProcessors());
    b.put("cudaLibraries", Json.object("available", cuda.available(), "summary", cuda.summary()));
    return b;
  }

  private static Map<String, Object> memory() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("peakRssBytes", peakRssBytes());
    long heap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        heap += pool.getPeakUsage().getUsed();
      }
    }
    m.put("peakHeapBytes", heap);
    m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
    return m;
  }

  /** VmHWM of this process (Linux), or null where /proc does not say. */
  static Long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return null;
    }
    return null;
  }

  /** The sequence cache figures of a command that opened its own cache (run --cache), instead of the default one's. */
  public synchronized void cacheInfo(Map<String, Object> info) {
    cacheInfo = new LinkedHashMap<>(info);
  }

  private Map<String, Object> cache() {
    if (cacheInfo != null) {
      return cacheInfo;
    }
    Map<String, Object> c = new LinkedHashMap<>();
    Optional<SequenceCache> opened = DefaultCache.ifOpened();
    Optional<CacheStats> stats = opened.flatMap(Report::stats);
    c.put("used", stats.isPresent());
    if (stats.isPresent()) {
      CacheStats s = stats.get();
      c.put("root", opened.get().root().toString());
      c.put("hits", s.hits() - cacheHitsBefore);
      c.put("misses", s.misses() - cacheMissesBefore);
      c.put("entries", s.entries());
      c.put("bytes", s.bytes());
    }
    return c;
  }

  private static Optional<CacheStats> stats(SequenceCache cache) {
    try {
      return Optional.of(cache.stats());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
