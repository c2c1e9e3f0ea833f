package dev.worldfx.nodes.extend;

import dev.worldfx.nodes.flow.FlowParams;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What ExtendShot's fit measured between frame k-1 and frame k (the camera step of the flow and the
 * pixels it found moving on their own), kept so that another fit over the same frames, such as the
 * fit after a back-test, does not compute the same flow again. A pair is found again only for the
 * same index, the same flow settings and frames with the same content (a hash of both frames' pixels
 * is compared, so a memo given frames of another clip recomputes rather than reuses). Masks are
 * kept as bits (one bit per pixel). Thread-safe.
 */
public final class PairMemo {
  /** One pair's results: the camera step (frame k to frame k-1) and the object mask, as bits. */
  record Pair(long frames, FlowParams params, Affine toPrev, BitSet mask) {
    boolean[] core(int plane) {
      boolean[] m = new boolean[plane];
      for (int i = mask.nextSetBit(0); i >= 0; i = mask.nextSetBit(i + 1)) {
        m[i] = true;
      }
      return m;
    }
  }

  private final Map<Integer, Pair> pairs = new HashMap<>();

  synchronized Pair get(int k, ImagePlanes prev, ImagePlanes next, FlowParams params) {
    Pair p = pairs.get(k);
    return p != null && p.params().equals(params) && p.frames() == hash(prev, next) ? p : null;
  }

  synchronized void put(int k, ImagePlanes prev, ImagePlanes next, FlowParams params, Affine toPrev, boolean[] core) {
    BitSet bits = new BitSet(core.length);
    for (int i = 0; i < core.length; i++) {
      if (core[i]) {
        bits.set(i);
      }
    }
    pairs.put(k, new Pair(hash(prev, next), params, toPrev, bits));
  }

  /** How many pairs are kept. */
  public synchronized int size() {
    return pairs.size();
  }

  private static long hash(ImagePlanes a, ImagePlanes b) {
    return 31L * Arrays.hashCode(a.data()) + Arrays.hashCode(b.data());
  }
}
