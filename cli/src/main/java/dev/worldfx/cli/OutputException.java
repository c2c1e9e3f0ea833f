package dev.worldfx.cli;

import java.io.IOException;

/** An output could not be written (unwritable folder, disk full): exit code 6, whatever the cause. */
final class OutputException extends IOException {
  private static final long serialVersionUID = 1L;

  OutputException(String message, Throwable cause) {
    super(message, cause);
  }
}
