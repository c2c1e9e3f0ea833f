package dev.worldfx.nodes.local;

import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.Shot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Clips held in memory, frame i of a clip at time {@code first + i}; full temporal access. */
public final class InMemoryShot implements Shot {
  private final int first;
  private final Map<String, List<FrameView>> clips = new HashMap<>();

  public InMemoryShot(int first) {
    this.first = first;
  }

  public InMemoryShot with(String clip, List<FrameView> frames) {
    clips.put(clip, List.copyOf(frames));
    return this;
  }

  @Override
  public Optional<FrameView> frame(String clip, double time) {
    List<FrameView> frames = clips.get(clip);
    int i = (int) Math.floor(time) - first;
    if (frames == null || i < 0 || i >= frames.size()) {
      return Optional.empty();
    }
    return Optional.of(frames.get(i));
  }

  @Override
  public FrameRange range(String clip) {
    List<FrameView> frames = clips.get(clip);
    if (frames == null || frames.isEmpty()) {
      return new FrameRange(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }
    return new FrameRange(first, first + frames.size() - 1);
  }

  @Override
  public boolean temporalAccess() {
    return true;
  }
}
