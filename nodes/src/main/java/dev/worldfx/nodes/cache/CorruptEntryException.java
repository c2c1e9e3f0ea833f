package dev.worldfx.nodes.cache;

/** An entry file that fails a check; the cache discards it and reports a miss, so it never escapes. */
final class CorruptEntryException extends Exception {
  private static final long serialVersionUID = 1L;

  CorruptEntryException(String message) {
    super(message);
  }
}
