package dev.worldfx.nodes.cache;

import java.util.List;

/**
 * The outcome of {@link SequenceCache#verify()}: entries fully checked, those found corrupt and
 * removed ("file: reason"), and temporary files of writers that died before renaming them.
 */
public record VerifyReport(int checked, List<String> corruptRemoved, int staleTempFilesRemoved) {
  public int ok() {
    return checked - corruptRemoved.size();
  }
}
