package dev.worldfx.inference.cpu;

/**
 * How a broadcast binary op walks two contiguous inputs: the output as rows of
 * {@code rowLength} elements, after merging adjacent dims that both inputs step through
 * alike (same shape: one row; [N,C,H,W] with [1,C,1,1]: rows of H*W where b repeats one
 * value). Per input, the element offset at each row start and whether it walks along the
 * row (stride 1) or repeats one value (stride 0).
 */
final class BroadcastPlan {
  final int[] shape;
  final long rowLength;
  final boolean aWalks;
  final boolean bWalks;
  /** Merged outer dims, innermost first, with each input's element stride (0 = broadcast). */
  private final long[] outerSizes;
  private final long[] aOuter;
  private final long[] bOuter;

  private BroadcastPlan(int[] shape, long[][] groups) {
    this.shape = shape;
    int outer = groups.length - 1;
    rowLength = groups[0][0];
    aWalks = groups[0][1] != 0;
    bWalks = groups[0][2] != 0;
    outerSizes = new long[outer];
    aOuter = new long[outer];
    bOuter = new long[outer];
    for (int g = 0; g < outer; g++) {
      outerSizes[g] = groups[g + 1][0];
      aOuter[g] = groups[g + 1][1];
      bOuter[g] = groups[g + 1][2];
    }
  }

  /** The numpy broadcast of two shapes, or null where they do not broadcast. */
  static int[] shape(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = dim(a, i - rank + a.length);
      int db = dim(b, i - rank + b.length);
      if (da != db && da != 1 && db != 1) {
        return null;
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** The plan for contiguous inputs of shapes {@code a} and {@code b}, or null where they do not broadcast. */
  static BroadcastPlan of(int[] a, int[] b) {
    int[] shape = shape(a, b);
    if (shape == null) {
      return null;
    }
    long[] sa = strides(a, shape);
    long[] sb = strides(b, shape);
    // groups {size, aStride, bStride}, innermost first; size-1 dims drop out
    long[][] groups = new long[shape.length + 1][];
    int n = 0;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] == 1) {
        continue;
      }
      long[] last = n == 0 ? null : groups[n - 1];
      if (last != null && sa[d] == last[1] * last[0] && sb[d] == last[2] * last[0]) {
        last[0] *= shape[d];
      } else {
        groups[n++] = new long[] {shape[d], sa[d], sb[d]};
      }
    }
    if (n == 0) {
      groups[n++] = new long[] {1, 1, 1}; // a single element
    }
    return new BroadcastPlan(shape, java.util.Arrays.copyOf(groups, n));
  }

  long rows() {
    long r = 1;
    for (long s : outerSizes) {
      r *= s;
    }
    return r;
  }

  long aOffset(long row) {
    return offset(row, aOuter);
  }

  long bOffset(long row) {
    return offset(row, bOuter);
  }

  private long offset(long row, long[] strides) {
    long off = 0;
    for (int g = 0; g < outerSizes.length; g++) {
      off += row % outerSizes[g] * strides[g];
      row /= outerSizes[g];
    }
    return off;
  }

  private static int dim(int[] shape, int i) {
    return i < 0 ? 1 : shape[i];
  }

  /** Element strides of a contiguous input of shape {@code s} read as {@code out}: 0 on broadcast dims. */
  private static long[] strides(int[] s, int[] out) {
    long[] st = new long[out.length];
    long step = 1;
    for (int i = out.length - 1; i >= 0; i--) {
      int d = dim(s, i - out.length + s.length);
      st[i] = d == 1 ? 0 : step;
      step *= d;
    }
    return st;
  }
}
