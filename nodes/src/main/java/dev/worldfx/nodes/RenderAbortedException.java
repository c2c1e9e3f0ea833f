package dev.worldfx.nodes;

import java.util.Optional;

/** The host or the user asked the render to stop; not an error worth a message. */
public final class RenderAbortedException extends NodeException {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public RenderAbortedException() {
    super("render aborted");
    this.reason = null;
  }

  /** Stopped for {@code reason}, in words for the user (e.g. "cancelled from the web panel"). */
  public RenderAbortedException(String reason) {
    super(reason);
    this.reason = reason;
  }

  /** Who stopped the render, where that is known (the host's abort and Ctrl-C do not say). */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }
}
