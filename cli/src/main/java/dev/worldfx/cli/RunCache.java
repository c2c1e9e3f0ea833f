package dev.worldfx.cli;

import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.cache.CacheStats;
import dev.worldfx.nodes.cache.SequenceCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The sequence cache of one `worldfx run` (--cache, else WORLDFX_CACHE or ~/.worldfx/cache),
 * opened when a node first needs it, so its hit and miss counts are this run's alone: a farm
 * chunk that finds its solve in the shared cache shows hits and no misses.
 */
final class RunCache implements Supplier<SequenceCache> {
  private final Path root;
  private SequenceCache opened;

  RunCache(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public synchronized SequenceCache get() {
    if (opened == null) {
      try {
        opened = SequenceCache.open(root, SequenceCache.defaultMaxBytes(System.getenv()));
      } catch (IOException e) {
        throw new NodeException("the sequence cache at " + root + " cannot be used (" + e.getMessage()
            + "); give --cache a writable folder", e);
      }
    }
    return opened;
  }

  Path root() {
    return root;
  }

  /** Entries this run's nodes read, and those they looked for and did not find (each a solve, or a wait for one). */
  record Counts(long hits, long misses) {
  }

  synchronized Counts counts() throws IOException {
    if (opened == null) {
      return new Counts(0, 0); // nothing in this graph needed the cache
    }
    CacheStats s = opened.stats();
    return new Counts(s.hits(), s.misses());
  }
}
