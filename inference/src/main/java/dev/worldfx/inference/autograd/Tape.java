package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records, in order, each differentiable op applied to a {@link Var} that needs a gradient, with
 * a closure computing the gradients of its inputs from the gradient of its output. {@link
 * #backward} walks the record in reverse. Gradients are summed in that fixed order, so a given
 * computation always yields bit-identical gradients. One tape per training step: its tensors
 * (activations, gradients) live in {@code arena}, normally the arena {@code ops} allocates from; as
 * the CPU kernels run on worker threads, that arena must be shared ({@code Arena.ofShared()}).
 */
public final class Tape {
  /** Gradients of an op's inputs (null for an input that needs none) from its output's gradient. */
  @FunctionalInterface
  interface Backward {
    Tensor[] grads(Tensor gradOut);
  }

  private record Node(Var out, Var[] inputs, Backward backward) {}

  private final Ops ops;
  private final Arena arena;
  private final List<Node> nodes = new ArrayList<>();

  public Tape(Ops ops, Arena arena) {
    this.ops = ops;
    this.arena = arena;
  }

  /**
   * Computes d(loss)/d(v) for every Var on this tape that needs a gradient (read with {@link
   * Var#grad}); {@code loss} must hold one element. Gradients from an earlier backward are replaced,
   * not added to.
   */
  public void backward(Var loss) {
    if (loss.value().numel() != 1) {
      throw new IllegalArgumentException("backward needs a scalar loss, got shape " + Arrays.toString(loss.shape()));
    }
    backward(loss, filled(loss.shape(), 1f));
  }

  /** Back-propagates {@code gradOut} (the output's shape) from {@code out}: a vector-Jacobian product. */
  void backward(Var out, Tensor gradOut) {
    if (!out.requiresGrad()) {
      throw new IllegalArgumentException("the loss does not depend on any Var that needs a gradient");
    }
    checkShape(gradOut, out, "seed");
    for (Node n : nodes) {
      n.out.setGrad(null);
      for (Var v : n.inputs) {
        if (v != null) {
          v.setGrad(null);
        }
      }
    }
    out.setGrad(gradOut);
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      Tensor g = n.out.grad();
      if (g == null) {
        continue; // the loss does not depend on this op
      }
      Tensor[] gs = n.backward.grads(g);
      for (int k = 0; k < n.inputs.length; k++) {
        Var in = n.inputs[k];
        if (in != null && in.requiresGrad() && gs[k] != null) {
          accumulate(in, gs[k]);
        }
      }
    }
  }

  private void accumulate(Var v, Tensor g) {
    checkShape(g, v, "gradient");
    v.setGrad(v.grad() == null ? g : ops.binary(Ops.Binary.ADD, v.grad(), g));
  }

  private static void checkShape(Tensor g, Var v, String what) {
    if (!Arrays.equals(g.shape(), v.shape())) {
      throw new IllegalStateException(what + " of shape " + Arrays.toString(g.shape()) + " for a Var of shape "
          + Arrays.toString(v.shape()));
    }
  }

  /**
   * The Var holding an op's output; the op is recorded only if some input needs a gradient. An
   * optional input that is absent (a null bias) is passed as null.
   */
  Var record(Tensor value, Backward backward, Var... inputs) {
    boolean needs = false;
    for (Var v : inputs) {
      needs |= v != null && v.requiresGrad();
    }
    Var out = new Var(value, needs);
    if (needs) {
      nodes.add(new Node(out, inputs.clone(), backward));
    }
    return out;
  }

  Ops ops() {
    return ops;
  }

  Arena arena() {
    return arena;
  }

  // --- tensor helpers the backward closures share ---------------------------------------------

  Tensor filled(int[] shape, float v) {
    Tensor t = Tensor.zeros(arena, shape);
    if (v != 0f) {
      for (long i = 0, n = t.numel(); i < n; i++) {
        t.data().setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
      }
    }
    return t;
  }

  /** A rank-0 tensor: broadcasts against any shape without changing it. */
  Tensor scalar(float v) {
    return filled(new int[0], v);
  }

  Tensor contiguous(Tensor t) {
    return t.contiguous(arena);
  }

  /** {@code t} broadcast (numpy rules) to {@code shape}, as a new tensor. */
  Tensor broadcastTo(Tensor t, int[] shape) {
    return Arrays.equals(t.shape(), shape) ? t : ops.binary(Ops.Binary.ADD, filled(shape, 0f), t);
  }

  /**
   * The adjoint of broadcasting {@code shape} to {@code g}'s shape: sums {@code g} over the leading
   * dims {@code shape} lacks and over the dims where {@code shape} has 1.
   */
  Tensor sumToShape(Tensor g, int[] shape) {
    int[] gs = g.shape();
    if (Arrays.equals(gs, shape)) {
      return g;
    }
    int lead = gs.length - shape.length;
    if (lead < 0) {
      throw new IllegalStateException("cannot sum " + Arrays.toString(gs) + " to " + Arrays.toString(shape));
    }
    int[] axes = java.util.stream.IntStream.range(0, gs.length)
        .filter(i -> i < lead || (shape[i - lead] == 1 && gs[i] != 1)).toArray();
    Tensor summed = axes.length == 0 ? contiguous(g) : ops.reduce(Ops.Reduce.SUM, g, axes, true);
    return summed.reshape(shape);
  }
}
