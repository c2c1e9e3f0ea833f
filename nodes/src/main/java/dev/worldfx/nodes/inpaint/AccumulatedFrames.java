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
 * the frames that a later frame could still use are kept, and only the {@link #SHOTS} most
 * recently used shots.
 */
final class AccumulatedFrames {
  static final AccumulatedFrames SHARED = new AccumulatedFrames();
  static final int SHOTS = 4;

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
    return run;
  }

  /** Frames after the current one that are kept (a host may render out of order, e.g. several threads). */
  private static final int ACCUMULATED_AHEAD = 4;
}
