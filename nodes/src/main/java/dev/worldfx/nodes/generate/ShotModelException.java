package dev.worldfx.nodes.generate;

import dev.worldfx.nodes.NodeException;
import java.nio.file.Path;

/** A shot model file that cannot be used: missing, truncated, corrupt, or not a WorldFX shot model. */
public final class ShotModelException extends NodeException {
  public ShotModelException(Path file, String problem) {
    super("shot model file " + file + ": " + problem);
  }
}
