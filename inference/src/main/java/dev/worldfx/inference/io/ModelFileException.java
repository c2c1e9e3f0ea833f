package dev.worldfx.inference.io;

import java.io.IOException;
import java.nio.file.Path;

/** A model file that cannot be used as it is: corrupt, truncated, of an unsupported kind, or not the file we recorded. */
public final class ModelFileException extends IOException {
  public ModelFileException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public ModelFileException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
