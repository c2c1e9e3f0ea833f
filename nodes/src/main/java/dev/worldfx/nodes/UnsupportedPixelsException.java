package dev.worldfx.nodes;

/** Pixels in a depth or layout the node cannot read or write. */
public class UnsupportedPixelsException extends NodeException {
  private static final long serialVersionUID = 1L;

  public UnsupportedPixelsException(String message) {
    super(message);
  }
}
