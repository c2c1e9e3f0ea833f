package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Tensor;
import java.util.Arrays;

/** Differentiable reshape, transpose and permute. */
public final class Views {
  private Views() {}

  /** A new shape for the same elements (one dimension may be -1). */
  public static Var reshape(Tape t, Var x, int... shape) {
    int[] xs = x.shape();
    Tensor y = t.contiguous(x.value()).reshape(shape);
    return t.record(y, g -> new Tensor[] {t.contiguous(g).reshape(xs)}, x);
  }

  /** Swaps two axes (negative count from the end); the result is a view. */
  public static Var transpose(Tape t, Var x, int a, int b) {
    int r = x.value().rank();
    int[] order = java.util.stream.IntStream.range(0, r).toArray();
    order[axis(a, r)] = axis(b, r);
    order[axis(b, r)] = axis(a, r);
    return permute(t, x, order);
  }

  /** Output axis i is input axis order[i] (numpy transpose); the result is a view. */
  public static Var permute(Tape t, Var x, int... order) {
    int[] inverse = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      inverse[order[i]] = i;
    }
    Tensor y = permuted(x.value(), order);
    return t.record(y, g -> new Tensor[] {permuted(g, inverse)}, x);
  }

  /** A view of {@code x} with its axes in {@code order}, built from pairwise swaps. */
  static Tensor permuted(Tensor x, int[] order) {
    int r = x.rank();
    if (order.length != r || !Arrays.equals(Arrays.stream(order).sorted().toArray(),
        java.util.stream.IntStream.range(0, r).toArray())) {
      throw new IllegalArgumentException(Arrays.toString(order) + " is not a permutation of " + r + " axes");
    }
    int[] current = java.util.stream.IntStream.range(0, r).toArray(); // current[i]: input axis now at i
    Tensor v = x;
    for (int i = 0; i < r; i++) {
      int j = i;
      while (current[j] != order[i]) {
        j++;
      }
      if (j != i) {
        v = v.transpose(i, j);
        int s = current[i];
        current[i] = current[j];
        current[j] = s;
      }
    }
    return v;
  }

  static int axis(int a, int rank) {
    int n = a < 0 ? a + rank : a;
    if (n < 0 || n >= rank) {
      throw new IllegalArgumentException("axis " + a + " outside rank " + rank);
    }
    return n;
  }
}
