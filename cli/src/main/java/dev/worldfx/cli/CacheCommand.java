package dev.worldfx.cli;

import dev.worldfx.nodes.cache.CacheEntryInfo;
import dev.worldfx.nodes.cache.CacheStats;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.cache.VerifyReport;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The sequence cache where whole-shot solves live: list, verify, prune. */
@Command(name = "cache", mixinStandardHelpOptions = true,
    description = "Inspect the sequence cache (~/.worldfx/cache, or $WORLDFX_CACHE): ls | verify | prune.",
    footer = {"", "Examples:", "  worldfx cache ls", "  worldfx cache verify --report verify.json",
        "  worldfx cache prune --max-bytes 5G", "  worldfx --json cache ls"})
final class CacheCommand {
  @Option(names = "--root", paramLabel = "DIR", description = "Cache folder (default: $WORLDFX_CACHE or ~/.worldfx/cache).")
  Path root;

  @Spec
  CommandSpec spec;

  private final Console console;
  private final Report report;

  @Inject
  CacheCommand(Console console, Report report) {
    this.console = console;
    this.report = report;
  }

  private SequenceCache open() throws IOException {
    Path dir = root != null ? root : SequenceCache.defaultRoot(System.getenv());
    SequenceCache cache = SequenceCache.open(dir, SequenceCache.defaultMaxBytes(System.getenv()));
    report.put("root", cache.root().toString());
    return cache;
  }

  private PrintWriter out() {
    return console.text();
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List entries, least recently used first.",
      footer = {"", "Examples:", "  worldfx cache ls", "  worldfx cache --root /shared/worldfx-cache ls --json"})
  int ls(@Mixin ReportOption reportFile) throws IOException {
    SequenceCache cache = open();
    List<Object> entries = new ArrayList<>();
    for (CacheEntryInfo e : cache.list()) {
      out().printf("%s  %-22s %12d bytes  last used %s%n", e.key().hex(), e.nodeId(), e.fileBytes(), e.lastAccess());
      entries.add(Json.object("key", e.key().hex(), "node", e.nodeId(), "bytes", e.fileBytes(), "lastUsed",
          e.lastAccess().toString()));
    }
    CacheStats s = cache.stats();
    out().printf("%d entries, %d bytes of %d allowed, in %s%n", s.entries(), s.bytes(), s.maxBytes(), cache.root());
    report.put("entries", entries).put("bytes", s.bytes()).put("maxBytes", s.maxBytes());
    return Main.EXIT_OK;
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check every entry's checksum; corrupt entries are removed (they are recomputed when needed).",
      footer = {"", "Examples:", "  worldfx cache verify", "  worldfx cache verify --report verify.json"})
  int verify(@Mixin ReportOption reportFile) throws IOException {
    VerifyReport r;
    try (var p = report.phase("verify")) {
      r = open().verify();
    }
    out().printf("%d entries checked, %d ok, %d corrupt removed, %d stale temp files removed%n", r.checked(), r.ok(),
        r.corruptRemoved().size(), r.staleTempFilesRemoved());
    r.corruptRemoved().forEach(p -> out().println("  removed " + p));
    report.put("checked", r.checked()).put("okEntries", r.ok())
        .put("corruptRemoved", r.corruptRemoved().stream().map(Object::toString).toList())
        .put("staleTempFilesRemoved", r.staleTempFilesRemoved());
    return Main.EXIT_OK;
  }

  @Command(name = "prune", mixinStandardHelpOptions = true, description = "Evict least recently used entries down to a size.",
      footer = {"", "Examples:", "  worldfx cache prune --max-bytes 5G", "  worldfx cache prune   (empties the cache)"})
  int prune(@Option(names = "--max-bytes", paramLabel = "SIZE", defaultValue = "0",
      description = "Size to keep, e.g. 5G or 500M (default 0: empty the cache).") String maxBytes,
            @Mixin ReportOption reportFile) throws IOException {
    long limit = SequenceCache.parseSize("--max-bytes " + maxBytes, maxBytes);
    long freed = open().prune(limit);
    out().printf("freed %d bytes%n", freed);
    report.put("maxBytes", limit).put("freedBytes", freed);
    return Main.EXIT_OK;
  }
}
