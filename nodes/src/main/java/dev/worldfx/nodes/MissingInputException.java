package dev.worldfx.nodes;

/** An input clip, frame or matte the render needs is not there. */
public class MissingInputException extends NodeException {
  private static final long serialVersionUID = 1L;

  public MissingInputException(String message) {
    super(message);
  }
}
