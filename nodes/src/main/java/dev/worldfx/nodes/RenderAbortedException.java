package dev.worldfx.nodes;

/** The host or the user asked the render to stop; not an error worth a message. */
public final class RenderAbortedException extends NodeException {
  private static final long serialVersionUID = 1L;

  public RenderAbortedException() {
    super("render aborted");
  }
}
