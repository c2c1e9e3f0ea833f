package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.Binary;
import dev.worldfx.inference.Ops.Reduce;
import dev.worldfx.inference.Tensor;
import java.util.Arrays;

/** Differentiable elementwise ops, reductions and softmax. */
public final class Pointwise {
  private Pointwise() {}

  /**
   * ADD, SUB, MUL or DIV with numpy broadcasting; each input's gradient is summed back to its
   * own shape.
   */
  public static Var binary(Tape t, Binary op, Var a, Var b) {
    Ops ops = t.ops();
    Tensor out = ops.binary(op, a.value(), b.value());
    int[] as = a.shape();
    int[] bs = b.shape();
    Tape.Backward back = switch (op) {
      case ADD -> g -> new Tensor[] {a.requiresGrad() ? t.sumToShape(g, as) : null,
          b.requiresGrad() ? t.sumToShape(g, bs) : null};
      case SUB -> g -> new Tensor[] {a.requiresGrad() ? t.sumToShape(g, as) : null,
          b.requiresGrad() ? t.sumToShape(ops.unary(Ops.Unary.NEG, g, 0f), bs) : null};
      case MUL -> g -> new Tensor[] {
          a.requiresGrad() ? t.sumToShape(ops.binary(Binary.MUL, g, b.value()), as) : null,
          b.requiresGrad() ? t.sumToShape(ops.binary(Binary.MUL, g, a.value()), bs) : null};
      case DIV -> g -> {
        Tensor gOverB = ops.binary(Binary.DIV, g, b.value()); // d/da (a/b) = 1/b
        // d/db (a/b) = -a/b^2 = -(1/b) * out
        Tensor gb = b.requiresGrad()
            ? t.sumToShape(ops.unary(Ops.Unary.NEG, ops.binary(Binary.MUL, gOverB, out), 0f), bs) : null;
        return new Tensor[] {a.requiresGrad() ? t.sumToShape(gOverB, as) : null, gb};
      };
      default -> throw new IllegalArgumentException("no gradient for binary " + op + " (ADD, SUB, MUL, DIV have one)");
    };
    return t.record(out, back, a, b);
  }

  public static Var add(Tape t, Var a, Var b) {
    return binary(t, Binary.ADD, a, b);
  }

  public static Var sub(Tape t, Var a, Var b) {
    return binary(t, Binary.SUB, a, b);
  }

  public static Var mul(Tape t, Var a, Var b) {
    return binary(t, Binary.MUL, a, b);
  }

  public static Var div(Tape t, Var a, Var b) {
    return binary(t, Binary.DIV, a, b);
  }

  /** x * s for a constant s. */
  public static Var scale(Tape t, Var x, float s) {
    return binary(t, Binary.MUL, x, Var.constant(t.scalar(s)));
  }

  /** x + c for a constant c. */
  public static Var addConstant(Tape t, Var x, float c) {
    return binary(t, Binary.ADD, x, Var.constant(t.scalar(c)));
  }

  /**
   * Any {@link Ops.Unary}; {@code alpha} is LeakyRelu's slope. At a kink (relu, leaky, abs at 0)
   * the gradient is that of the right-hand piece for relu/leaky (as PyTorch: 0 for relu at 0,
   * alpha for leaky) and 0 for abs.
   */
  public static Var unary(Tape t, Ops.Unary op, Var x, float alpha) {
    Tensor y = t.ops().unary(op, x.value(), alpha);
    return t.record(y, g -> new Tensor[] {UnaryDerivative.times(t, op, alpha, x.value(), y, g)}, x);
  }

  public static Var unary(Tape t, Ops.Unary op, Var x) {
    return unary(t, op, x, 0f);
  }

  /** Sum over {@code axes} (negative count from the end; empty = all). */
  public static Var sum(Tape t, Var x, int[] axes, boolean keepDims) {
    return reduce(t, Reduce.SUM, x, axes, keepDims);
  }

  /** Mean over {@code axes} (negative count from the end; empty = all). */
  public static Var mean(Tape t, Var x, int[] axes, boolean keepDims) {
    return reduce(t, Reduce.MEAN, x, axes, keepDims);
  }

  private static Var reduce(Tape t, Reduce op, Var x, int[] axes, boolean keepDims) {
    Tensor out = t.ops().reduce(op, x.value(), axes, keepDims);
    int[] xs = x.shape();
    int[] kept = xs.clone(); // the output's shape with keepDims, for broadcasting back
    long count = 1;
    for (int a : normalizedAxes(axes, xs.length)) {
      count *= xs[a];
      kept[a] = 1;
    }
    // each input element receives its output's gradient, times 1/count for the mean
    float perElement = op == Reduce.SUM ? 1f : (float) (1.0 / count);
    return t.record(out, g -> new Tensor[] {
        t.ops().binary(Binary.MUL, t.contiguous(g).reshape(kept), t.filled(xs, perElement))}, x);
  }

  /** Distinct axes in [0, rank), all of them for an empty array. */
  static int[] normalizedAxes(int[] axes, int rank) {
    if (axes.length == 0) {
      return java.util.stream.IntStream.range(0, rank).toArray();
    }
    int[] n = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      n[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (n[i] < 0 || n[i] >= rank) {
        throw new IllegalArgumentException("axis " + axes[i] + " outside rank " + rank);
      }
    }
    int[] sorted = Arrays.stream(n).sorted().distinct().toArray();
    if (sorted.length != n.length) {
      throw new IllegalArgumentException("repeated axis in " + Arrays.toString(axes));
    }
    return sorted;
  }

  /** Softmax along {@code axis}: dx = y * (g - sum(g * y, axis)). */
  public static Var softmax(Tape t, Var x, int axis) {
    Ops ops = t.ops();
    Tensor y = ops.softmax(x.value(), axis);
    return t.record(y, g -> {
      Tensor gy = ops.binary(Binary.MUL, g, y);
      Tensor dot = ops.reduce(Reduce.SUM, gy, new int[] {axis}, true);
      return new Tensor[] {ops.binary(Binary.MUL, y, ops.binary(Binary.SUB, g, dot))};
    }, x);
  }
}
