package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Frames seen by renders in a host without temporal access (MLT), per shot (settings, size and
 * depth), so a frame can be solved from the frames rendered before it. Bounded: per shot only
 * the frames that a later frame could still use are kept (and a few after it, for hosts that
 * render frames out of order on several threads), only the {@link #SHOTS} most recently used
 * shots, and never more than {@link #MAX_BYTES} in all (least recently used shots go first;
 * the current shot always keeps its own run).
 */
final class AccumulatedFrames {
  static final AccumulatedFrames SHARED = new AccumulatedFrames();
  static final int SHOTS = 4;
  static final long MAX_BYTES = 512L << 20;

  record Frame(int time, ImagePlanes rgb, float[] matte) {
  }

  private final Map<String, TreeMap<Integer, Frame>> shots = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, TreeMap<Integer, Frame>> eldest) {
      return size() > SHOTS;
    }
  };

  /**
   * Records frame {@code time} (replacing what was there) and returns the run of consecutive
   * frames ending at it, at most {@code before} frames before it, oldest first.
   */
  synchronized List<Frame> addAndRun(String shot, int time, ImagePlanes rgb, float[] matte, int before) {
    TreeMap<Integer, Frame> frames = shots.computeIfAbsent(shot, k -> new TreeMap<>());
    frames.put(time, new Frame(time, rgb, matte));
    // keep the frames within reach of this one and of the next few
    frames.headMap(time - Math.max(before, 1) - 1, true).clear();
    frames.tailMap(time + ACCUMULATED_AHEAD, false).clear();
    List<Frame> run = new ArrayList<>();
    for (int t = time; t >= time - before && frames.containsKey(t); t--) {
      run.addFirst(frames.get(t));
    }
    var eldest = shots.entrySet().iterator();
    while (bytes() > MAX_BYTES && eldest.hasNext()) {
      if (eldest.next().getValue() != frames) {
        eldest.remove();
      }
    }
    if (bytes() > MAX_BYTES) { // one shot alone is over the cap: keep only the run just returned
      frames.keySet().removeIf(t -> t < run.getFirst().time() || t > time);
    }
    return run;
  }

  private long bytes() {
    long b = 0;
    for (TreeMap<Integer, Frame> frames : shots.values()) {
      for (Frame f : frames.values()) {
        b += 4L * (f.rgb().data().length + f.matte().length);
      }
    }
    return b;
  }

  /** Frames after the current one that are kept (a host may render out of order, e.g. several threads). */
  private static final int ACCUMULATED_AHEAD = 2;
}
