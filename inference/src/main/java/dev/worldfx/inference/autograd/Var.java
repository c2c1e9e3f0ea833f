package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Tensor;

/**
 * A value in a differentiable computation: a tensor, whether gradients flow to it, and the
 * gradient that {@link Tape#backward} last computed for it (null before, or when no path leads
 * from it to the loss). A gradient has the value's shape and lives in the tape's arena.
 */
public final class Var {
  private final Tensor value;
  private final boolean requiresGrad;
  private Tensor grad;

  Var(Tensor value, boolean requiresGrad) {
    this.value = value;
    this.requiresGrad = requiresGrad;
  }

  /** A trainable leaf: gradients are computed for it. */
  public static Var param(Tensor value) {
    return new Var(value, true);
  }

  /** An input that gradients do not flow to (data, targets, fixed weights). */
  public static Var constant(Tensor value) {
    return new Var(value, false);
  }

  public Tensor value() {
    return value;
  }

  public boolean requiresGrad() {
    return requiresGrad;
  }

  public Tensor grad() {
    return grad;
  }

  /** Drops the gradient (an optimizer does this once it has used it: its arena may close next). */
  public void clearGrad() {
    grad = null;
  }

  void setGrad(Tensor g) {
    grad = g;
  }

  public int[] shape() {
    return value.shape();
  }

  @Override
  public String toString() {
    return "Var" + java.util.Arrays.toString(value.shape()) + (requiresGrad ? " (grad)" : "");
  }
}
