package dev.worldfx.nodes;

/** A failure a user can act on; the message is shown in the host. */
public class NodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NodeException(String message) {
    super(message);
  }

  public NodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
