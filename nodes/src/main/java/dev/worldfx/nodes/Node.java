package dev.worldfx.nodes;

/** A WorldFX node: host-agnostic, stateless between renders, safe to call from many threads. */
public interface Node {
  NodeDescriptor descriptor();

  /** Writes the render window of {@code out}; pixels outside it are left alone. */
  void render(RenderContext ctx, FrameView out);

  /** The frames this node can produce given its source range (ExtendShot adds frames). */
  default FrameRange timeDomain(FrameRange source, ParamValues params) {
    return source;
  }

  /** The source frames a render at {@code time} reads. */
  default FrameRange framesNeeded(double time, FrameRange source, ParamValues params) {
    return new FrameRange(time, time);
  }

  /** Whether this node changes the time domain (hosts are told only then). */
  default boolean changesTimeDomain() {
    return false;
  }
}
