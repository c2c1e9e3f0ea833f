package dev.worldfx.ofx;

import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.Shot;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The clips of one render. Every image fetched is released when the render ends, also
 * when it throws; images are fetched only when a node asks for them.
 */
final class OfxShot implements Shot, AutoCloseable {
  private final HostApi api;
  private final MemorySegment effect;
  private final Map<String, MemorySegment> clips = new HashMap<>();
  private final List<MemorySegment> fetched = new ArrayList<>();
  private final java.util.IdentityHashMap<FrameView, MemorySegment> handles = new java.util.IdentityHashMap<>();

  OfxShot(HostApi api, MemorySegment effect) {
    this.api = api;
    this.effect = effect;
  }

  private MemorySegment clip(String name) {
    return clips.computeIfAbsent(name, n -> api.effects.clip(effect, n));
  }

  @Override
  public synchronized Optional<FrameView> frame(String clipName, double time) {
    MemorySegment clip = clip(clipName);
    if (clip.equals(MemorySegment.NULL)) {
      return Optional.empty();
    }
    // MLT marks an unconnected Mask with Connected = 0 but still answers clipGetImage.
    if (!clipName.equals(Ofx.OUTPUT_CLIP)
        && api.effects.clipProperties(clip).getIntOr(Ofx.CLIP_PROP_CONNECTED, 0, 1) == 0) {
      return Optional.empty();
    }
    MemorySegment image = api.effects.image(clip, time);
    if (image.equals(MemorySegment.NULL)) {
      return Optional.empty();
    }
    fetched.add(image);
    FrameView view = OfxNodeAdapter.view(api.effects.wrap(image));
    handles.put(view, image);
    return Optional.of(view);
  }

  @Override
  public synchronized FrameRange range(String clipName) {
    MemorySegment clip = clip(clipName);
    double[] none = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
    double[] r = clip.equals(MemorySegment.NULL)
        ? none
        : api.effects.clipProperties(clip).getDoublesOr(Ofx.PROP_FRAME_RANGE, 2, none);
    if (r == none) {
      r = api.effects.effectProperties(effect).getDoublesOr(Ofx.PROP_FRAME_RANGE, 2, none);
    }
    return new FrameRange(r[0], r[1]);
  }

  @Override
  public boolean temporalAccess() {
    return api.profile.frameAtAnyTime();
  }

  @Override
  public synchronized void release(FrameView frame) {
    MemorySegment image = handles.remove(frame);
    if (image != null && fetched.remove(image)) {
      api.effects.release(image);
    }
  }

  @Override
  public synchronized void close() {
    for (MemorySegment image : fetched) {
      api.effects.release(image);
    }
    fetched.clear();
    handles.clear();
  }
}
