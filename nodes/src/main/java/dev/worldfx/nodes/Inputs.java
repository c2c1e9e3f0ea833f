package dev.worldfx.nodes;

/** Checks shared by every node on the frames it is handed. */
public final class Inputs {
  private Inputs() {}

  /** Output must be RGBA in a supported depth. */
  public static void requireRenderableOutput(FrameView out) {
    if (!out.depth().supported()) {
      throw new UnsupportedPixelsException("output pixel depth " + out.depth() + " is not supported (use 8-bit, 16-bit or float)");
    }
    if (out.components() != Components.RGBA) {
      throw new UnsupportedPixelsException("output must be RGBA, got " + out.components());
    }
  }

  /** The source frame at a time, in the output's format, or a clear error. */
  public static FrameView source(RenderContext ctx, double time, FrameView out) {
    FrameView src = ctx.shot().frame(ClipSpec.SOURCE, time)
        .orElseThrow(() -> new MissingInputException("no Source image at frame " + time + " (is the Source connected?)"));
    if (!src.sameFormat(out)) {
      throw new UnsupportedPixelsException("Source is " + src.depth() + " " + src.components() + " but Output is "
          + out.depth() + " " + out.components() + "; WorldFX needs both in one format");
    }
    return src;
  }
}
