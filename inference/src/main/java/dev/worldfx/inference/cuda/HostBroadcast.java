package dev.worldfx.inference.cuda;

import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.Broadcast;

/**
 * numpy broadcasting worked out on the host for the device kernels: the broadcast shape, the per-dim strides each
 * operand is read with (0 where it broadcasts), and small parameter tensors expanded to their full shape. Null means
 * "not broadcastable": the caller hands the op to the CPU backend, whose message names the problem.
 */
final class HostBroadcast {
  private HostBroadcast() {}

  /** The numpy broadcast of two shapes, or null if they do not broadcast. */
  static int[] shape(int[] a, int[] b) {
    try {
      return Broadcast.shape(a, b);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The element strides of {@code from} (contiguous) read as {@code to}, right-aligned; null if it does not reach. */
  static long[] strides(int[] from, int[] to) {
    if (from.length > to.length) {
      return null;
    }
    long[] own = Tensor.contiguousStrides(from);
    long[] st = new long[to.length];
    int lead = to.length - from.length;
    for (int i = 0; i < from.length; i++) {
      if (from[i] == to[lead + i]) {
        st[lead + i] = from[i] == 1 ? 0 : own[i];
      } else if (from[i] == 1) {
        st[lead + i] = 0;
      } else {
        return null;
      }
    }
    return st;
  }

  /** wfx_binary's meta: out's sizes, a's strides, b's strides (3 * rank values); null if either does not reach. */
  static long[] meta(int[] out, int[] a, int[] b) {
    long[] sa = strides(a, out);
    long[] sb = strides(b, out);
    if (sa == null || sb == null) {
      return null;
    }
    int r = out.length;
    long[] meta = new long[3 * r];
    for (int i = 0; i < r; i++) {
      meta[i] = out[i];
      meta[r + i] = sa[i];
      meta[2 * r + i] = sb[i];
    }
    return meta;
  }

  /** Which axes a reduction covers (none listed: all); null for an axis out of range or listed twice. */
  static boolean[] reducedAxes(int[] axes, int rank) {
    boolean[] reduced = new boolean[rank];
    if (axes.length == 0) {
      java.util.Arrays.fill(reduced, true);
    }
    for (int a : axes) {
      if (a < -rank || a >= rank || reduced[a < 0 ? a + rank : a]) {
        return null;
      }
      reduced[a < 0 ? a + rank : a] = true;
    }
    return reduced;
  }

  /** {@code t}'s values expanded to {@code target} (row-major); null if it does not broadcast to it. */
  static float[] expand(Tensor t, int[] target) {
    return Broadcast.reaches(t.shape(), target) ? Broadcast.expand(t, target) : null;
  }
}
