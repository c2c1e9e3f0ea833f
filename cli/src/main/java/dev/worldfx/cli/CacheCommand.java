package dev.worldfx.cli;

import dev.worldfx.nodes.cache.CacheEntryInfo;
import dev.worldfx.nodes.cache.CacheStats;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.cache.VerifyReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The sequence cache where whole-shot solves live: list, verify, prune. */
@Command(name = "cache", mixinStandardHelpOptions = true,
    description = "Inspect the sequence cache (~/.worldfx/cache, or $WORLDFX_CACHE): ls | verify | prune.",
    footer = {"", "Examples:", "  worldfx cache ls", "  worldfx cache verify", "  worldfx cache prune --max-bytes 5G"})
final class CacheCommand {
  @Option(names = "--root", paramLabel = "DIR", description = "Cache folder (default: $WORLDFX_CACHE or ~/.worldfx/cache).")
  Path root;

  @Spec
  CommandSpec spec;

  private SequenceCache open() throws IOException {
    Path dir = root != null ? root : SequenceCache.defaultRoot(System.getenv());
    return SequenceCache.open(dir, SequenceCache.defaultMaxBytes(System.getenv()));
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Command(name = "ls", description = "List entries, least recently used first.")
  int ls() throws IOException {
    SequenceCache cache = open();
    for (CacheEntryInfo e : cache.list()) {
      out().printf("%s  %-22s %12d bytes  last used %s%n", e.key().hex(), e.nodeId(), e.fileBytes(), e.lastAccess());
    }
    CacheStats s = cache.stats();
    out().printf("%d entries, %d bytes of %d allowed, in %s%n", s.entries(), s.bytes(), s.maxBytes(), cache.root());
    return Main.EXIT_OK;
  }

  @Command(name = "verify", description = "Check every entry's checksum; corrupt entries are removed (they are recomputed when needed).")
  int verify() throws IOException {
    VerifyReport r = open().verify();
    out().printf("%d entries checked, %d ok, %d corrupt removed, %d stale temp files removed%n", r.checked(), r.ok(),
        r.corruptRemoved().size(), r.staleTempFilesRemoved());
    r.corruptRemoved().forEach(p -> out().println("  removed " + p));
    return Main.EXIT_OK;
  }

  @Command(name = "prune", description = "Evict least recently used entries down to a size.")
  int prune(@Option(names = "--max-bytes", paramLabel = "SIZE", defaultValue = "0",
      description = "Size to keep, e.g. 5G or 500M (default 0: empty the cache).") String maxBytes) throws IOException {
    long limit = SequenceCache.parseSize("--max-bytes " + maxBytes, maxBytes);
    long freed = open().prune(limit);
    out().printf("freed %d bytes%n", freed);
    return Main.EXIT_OK;
  }
}
