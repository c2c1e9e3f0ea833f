package dev.worldfx.nodes.cache;

import dev.worldfx.nodes.NodeException;
import java.io.IOException;

/**
 * The process's sequence cache at the default place (WORLDFX_CACHE or ~/.worldfx/cache),
 * opened on first use; a failure to open it is reported to every render that needs it.
 */
public final class DefaultCache {
  private DefaultCache() {}

  private static SequenceCache opened;
  private static IOException failure;

  public static synchronized SequenceCache get() {
    if (opened == null && failure == null) {
      try {
        opened = SequenceCache.openDefault();
      } catch (IOException e) {
        failure = e;
      }
    }
    if (opened == null) {
      throw new NodeException("the sequence cache at " + SequenceCache.defaultRoot(System.getenv())
          + " cannot be used (" + failure.getMessage() + "); set " + SequenceCache.ROOT_ENV + " to a writable folder",
          failure);
    }
    return opened;
  }

  /** The cache if a render has opened it, without opening it (for reports of what a run used). */
  public static synchronized java.util.Optional<SequenceCache> ifOpened() {
    return java.util.Optional.ofNullable(opened);
  }
}
