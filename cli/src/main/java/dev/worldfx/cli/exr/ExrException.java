package dev.worldfx.cli.exr;

import java.io.IOException;

/** An EXR file that cannot be read or written, or no OpenEXR library; the message says which file and why. */
public final class ExrException extends IOException {
  public ExrException(String message) {
    super(message);
  }
}
