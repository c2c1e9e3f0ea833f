package dev.worldfx.cli;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.Shot;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A shot read from image sequences (PNG or EXR) on demand: Source from the input pattern, Mask from the matte
 * pattern (as {@link InpaintCommand#matteOf}), frames {@code first..last} by frame number. Each
 * fetch decodes the file into its own arena, freed when the node releases the frame or, for
 * frames a render keeps, by {@link #releaseAll} after the render. So a solve over a long shot
 * holds a few frames, not the shot. Files do not change during a run, so digests are remembered.
 */
final class ImageSequenceShot implements Shot {
  private final ImageSequence source;
  private final ImageSequence matte;
  private final int first;
  private final int last;
  private final FrameArenas open = new FrameArenas();
  private final Map<String, byte[]> digests = new ConcurrentHashMap<>();

  ImageSequenceShot(ImageSequence source, ImageSequence matte, int first, int last) {
    this.source = source;
    this.matte = matte;
    this.first = first;
    this.last = last;
  }

  @Override
  public Optional<FrameView> frame(String clip, double time) {
    int n = (int) Math.round(time);
    if (n != time || n < first || n > last || !(clip.equals(ClipSpec.SOURCE) || clip.equals(ClipSpec.MASK))) {
      return Optional.empty();
    }
    boolean source = clip.equals(ClipSpec.SOURCE);
    return Optional.of(open.read(source ? this.source.file(n) : matte.file(n), !source));
  }

  @Override
  public void release(FrameView frame) {
    open.release(frame);
  }

  /** Frees every frame still held (call after each render). */
  void releaseAll() {
    open.releaseAll();
  }

  @Override
  public Optional<byte[]> digest(String clip, double time) {
    String key = clip + ":" + time;
    byte[] known = digests.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<byte[]> d = Shot.super.digest(clip, time);
    d.ifPresent(bytes -> digests.put(key, bytes));
    return d;
  }

  @Override
  public FrameRange range(String clip) {
    return new FrameRange(first, last);
  }

  @Override
  public boolean temporalAccess() {
    return true;
  }
}
