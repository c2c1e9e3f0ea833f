package dev.worldfx.nodes;

import java.util.Optional;

/** The input clips of a render, frame by frame. */
public interface Shot {
  /**
   * The frame of a clip at a time, or empty when the clip is unconnected or the host has
   * no image there. Frames stay valid until the render returns.
   */
  Optional<FrameView> frame(String clip, double time);

  /** The frame range the clip has. */
  FrameRange range(String clip);

  /** False in hosts that hand back the current frame whatever time is asked (MLT). */
  boolean temporalAccess();
}
