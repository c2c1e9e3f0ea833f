package dev.worldfx.inference.ref;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.Arrays;

/**
 * Scalar reference of the pointwise ops. Each value is computed in double and rounded once
 * to float, so results are the correctly rounded ones but for rare double-rounding ties.
 *
 * <p>Special values: NaN propagates through every op (MAX/MIN and RELU included, as
 * Math.max). Activations give their limits at infinities, e.g. GELU(-inf) = SILU(-inf) = -0
 * where the textbook formula would give -inf * 0 = NaN. A softmax slice with a NaN or +inf,
 * or with only -inf, is NaN throughout (as PyTorch and numpy). Reductions over an empty set
 * give SUM 0, MEAN NaN (0/0), MAX -inf, MIN +inf.
 */
final class RefPointwise {
  private static final double SQRT2 = Math.sqrt(2);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private RefPointwise() {}

  static Tensor unary(OpContext ctx, Ops.Unary op, Tensor x, float alpha) {
    float[] v = x.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = unary(op, v[i], alpha);
    }
    return Tensor.of(ctx.arena(), v, x.shape());
  }

  static float unary(Ops.Unary op, float x, float alpha) {
    return switch (op) {
      case RELU -> Math.max(x, 0f);
      case LEAKY_RELU -> x < 0 ? alpha * x : x;
      // x * Phi(x), Phi(x) = erfc(-x / sqrt 2) / 2: exact in the negative tail where 1 + erf(x / sqrt 2) is 0.
      case GELU -> x == Float.NEGATIVE_INFINITY ? -0f : (float) (x * 0.5 * PointwiseErf.erfc(-x / SQRT2));
      // 0.5 x (1 + tanh u) = x / (1 + exp(-2u)), the same function without the cancellation for x << 0.
      case GELU_TANH -> x == Float.NEGATIVE_INFINITY ? -0f
          : (float) (x / (1 + Math.exp(-2 * SQRT_2_OVER_PI * (x + 0.044715 * (double) x * x * x))));
      case SILU -> x == Float.NEGATIVE_INFINITY ? -0f : (float) (x / (1 + Math.exp(-(double) x)));
      case SIGMOID -> (float) (1 / (1 + Math.exp(-(double) x)));
      case TANH -> (float) Math.tanh(x);
      case EXP -> (float) Math.exp(x);
      case LOG -> (float) Math.log(x);
      case SQRT -> (float) Math.sqrt(x);
      case NEG -> -x;
      case ABS -> Math.abs(x);
      case IDENTITY -> x;
    };
  }

  static Tensor binary(OpContext ctx, Ops.Binary op, Tensor a, Tensor b) {
    int[] shape = Broadcast.shape(a.shape(), b.shape());
    float[] va = Broadcast.expand(a, shape);
    float[] vb = Broadcast.expand(b, shape);
    for (int i = 0; i < va.length; i++) {
      va[i] = binary(op, va[i], vb[i]);
    }
    return Tensor.of(ctx.arena(), va, shape);
  }

  static float binary(Ops.Binary op, float a, float b) {
    return switch (op) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case MAX -> Math.max(a, b);
      case MIN -> Math.min(a, b);
      case POW -> (float) Math.pow(a, b);
    };
  }

  static Tensor reduce(OpContext ctx, Ops.Reduce op, Tensor x, int[] axes, boolean keepDims) {
    int[] shape = x.shape();
    boolean[] reduced = reducedAxes(axes, shape.length);
    int[] outShape = reducedShape(shape, reduced, keepDims);
    // stride of each input axis in the output's flat index (0 for reduced axes)
    long[] outStride = new long[shape.length];
    long s = 1;
    long count = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (reduced[d]) {
        count *= shape[d];
      } else {
        outStride[d] = s;
        s *= shape[d];
      }
    }
    double[] acc = new double[Math.toIntExact(Tensor.numel(outShape))];
    Arrays.fill(acc, switch (op) {
      case SUM, MEAN -> 0;
      case MAX -> Double.NEGATIVE_INFINITY;
      case MIN -> Double.POSITIVE_INFINITY;
    });
    float[] v = x.toArray();
    int[] idx = new int[shape.length];
    for (float e : v) {
      int o = 0;
      for (int d = 0; d < shape.length; d++) {
        o += (int) (idx[d] * outStride[d]);
      }
      acc[o] = switch (op) {
        case SUM, MEAN -> acc[o] + e;
        case MAX -> Math.max(acc[o], e);
        case MIN -> Math.min(acc[o], e);
      };
      for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) {
        idx[d] = 0;
      }
    }
    float[] out = new float[acc.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (op == Ops.Reduce.MEAN ? acc[i] / count : acc[i]);
    }
    return Tensor.of(ctx.arena(), out, outShape);
  }

  /** Which axes are reduced: negative axes count from the end, none listed means all. */
  static boolean[] reducedAxes(int[] axes, int rank) {
    boolean[] reduced = new boolean[rank];
    if (axes.length == 0) {
      Arrays.fill(reduced, true);
    }
    for (int a : axes) {
      int d = axis(a, rank);
      if (reduced[d]) {
        throw new IllegalArgumentException("axis " + a + " listed twice in " + Arrays.toString(axes));
      }
      reduced[d] = true;
    }
    return reduced;
  }

  static int[] reducedShape(int[] shape, boolean[] reduced, boolean keepDims) {
    return java.util.stream.IntStream.range(0, shape.length)
        .filter(d -> keepDims || !reduced[d])
        .map(d -> reduced[d] ? 1 : shape[d])
        .toArray();
  }

  /** An axis in [-rank, rank) as an index in [0, rank). */
  static int axis(int axis, int rank) {
    if (axis < -rank || axis >= rank) {
      throw new IllegalArgumentException("axis " + axis + " outside a tensor of rank " + rank);
    }
    return axis < 0 ? axis + rank : axis;
  }

  static Tensor softmax(OpContext ctx, Tensor x, int axis) {
    int[] shape = x.shape();
    int d = axis(axis, shape.length);
    int n = shape[d];
    long inner = Tensor.numel(Arrays.copyOfRange(shape, d + 1, shape.length));
    long outer = Tensor.numel(Arrays.copyOfRange(shape, 0, d));
    float[] v = x.toArray();
    float[] out = new float[v.length];
    for (long o = 0; o < outer; o++) {
      for (long in = 0; in < inner; in++) {
        int base = (int) (o * n * inner + in);
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          max = Math.max(max, v[(int) (base + j * inner)]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          sum += Math.exp((double) v[(int) (base + j * inner)] - max);
        }
        for (int j = 0; j < n; j++) {
          int i = (int) (base + j * inner);
          out[i] = (float) (Math.exp((double) v[i] - max) / sum);
        }
      }
    }
    return Tensor.of(ctx.arena(), out, shape);
  }
}
