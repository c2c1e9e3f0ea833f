package dev.worldfx.inference.ref;

import dev.worldfx.inference.Tensor;
import java.util.Arrays;

/** Numpy broadcasting for the references (and the CUDA ops' host side): result shapes and inputs expanded to them. */
public final class Broadcast {
  private Broadcast() {}

  /** The numpy broadcast of two shapes: right-aligned, missing leading dims count as 1, 1 stretches. */
  public static int[] shape(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
            + " do not broadcast (dim " + i + " of the result: " + da + " vs " + db + ")");
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** True if {@code from} broadcasts to exactly {@code to} (one-directional, as ONNX Expand of a parameter). */
  public static boolean reaches(int[] from, int[] to) {
    if (from.length > to.length) {
      return false;
    }
    for (int i = 0; i < from.length; i++) {
      int d = from[from.length - 1 - i];
      if (d != 1 && d != to[to.length - 1 - i]) {
        return false;
      }
    }
    return true;
  }

  /** The values of {@code t} broadcast to {@code target}, row-major; {@code t} must reach {@code target}. */
  public static float[] expand(Tensor t, int[] target) {
    int[] s = t.shape();
    if (!reaches(s, target)) {
      throw new IllegalArgumentException(t + " does not broadcast to " + Arrays.toString(target));
    }
    float[] out = new float[Math.toIntExact(Tensor.numel(target))];
    int lead = target.length - s.length;
    int[] idx = new int[target.length];
    int[] src = new int[s.length];
    for (int i = 0; i < out.length; i++) {
      for (int d = 0; d < s.length; d++) {
        src[d] = s[d] == 1 ? 0 : idx[lead + d];
      }
      out[i] = t.get(src);
      for (int d = target.length - 1; d >= 0 && ++idx[d] == target[d]; d--) {
        idx[d] = 0;
      }
    }
    return out;
  }
}
