package dev.worldfx.nodes.generate;

import dev.worldfx.nodes.NodeException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A shot model file that cannot be used: missing, truncated, corrupt, or not a WorldFX shot model. */
public final class ShotModelException extends NodeException {
  public ShotModelException(Path file, String problem) {
    super("shot model file " + file + ": " + problem);
  }

  /** What reading {@code file} threw, as one line naming the file (a missing file says so in words). */
  public static ShotModelException of(Path file, Exception e) {
    if (e instanceof ShotModelException s) {
      return s;
    }
    if (e instanceof NoSuchFileException) {
      return new ShotModelException(file, "no such file");
    }
    String problem = e.getMessage() != null ? e.getMessage() : e.toString();
    String named = file + ": "; // the reader's own message often starts with the file already
    return new ShotModelException(file, problem.startsWith(named) ? problem.substring(named.length()) : problem);
  }
}
