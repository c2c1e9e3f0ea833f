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

  /**
   * Gives a frame back before the render ends, for solves that walk a whole shot one frame at a
   * time. The view must not be used afterwards. Default: nothing (frames live until the render
   * returns).
   */
  default void release(FrameView frame) {}

  /**
   * The SHA-256 of a frame's pixels ({@link FrameView#digest}), or empty where there is no frame.
   * Shots whose frames cannot change during a run (files) may remember it.
   */
  default Optional<byte[]> digest(String clip, double time) {
    Optional<FrameView> f = frame(clip, time);
    Optional<byte[]> d = f.map(FrameView::digest);
    f.ifPresent(this::release);
    return d;
  }
}
