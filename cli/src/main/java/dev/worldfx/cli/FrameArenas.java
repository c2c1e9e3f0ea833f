package dev.worldfx.cli;

import dev.worldfx.nodes.FrameView;
import java.lang.foreign.Arena;
import java.util.IdentityHashMap;
import java.util.Map;

/** Frames a shot handed out, each in its own arena, freed when the node releases it or after the render. */
final class FrameArenas {
  private final Map<FrameView, Arena> open = new IdentityHashMap<>();

  synchronized FrameView track(FrameView frame, Arena arena) {
    open.put(frame, arena);
    return frame;
  }

  synchronized void release(FrameView frame) {
    Arena a = open.remove(frame);
    if (a != null) {
      a.close();
    }
  }

  synchronized void releaseAll() {
    open.values().forEach(Arena::close);
    open.clear();
  }
}
