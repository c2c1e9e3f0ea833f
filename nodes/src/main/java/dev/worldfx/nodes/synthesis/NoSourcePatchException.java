package dev.worldfx.nodes.synthesis;

/** No patch of the inpainter's size lies wholly outside the hole: there is nothing to copy from. */
public final class NoSourcePatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  NoSourcePatchException(String message) {
    super(message);
  }
}
