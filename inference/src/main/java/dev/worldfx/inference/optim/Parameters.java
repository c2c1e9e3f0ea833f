package dev.worldfx.inference.optim;

import dev.worldfx.inference.DType;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.autograd.Var;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/** Reading and writing the parameters an optimizer updates in place. */
final class Parameters {
  private Parameters() {}

  /** The parameters, checked to be trainable, contiguous float32 and distinct. */
  static List<Var> checked(List<Var> params) {
    for (Var p : params) {
      Tensor v = p.value();
      if (!p.requiresGrad() || v.dtype() != DType.F32 || !v.isContiguous()) {
        throw new IllegalArgumentException("an optimizer needs trainable contiguous F32 parameters, got " + p + " "
            + v.dtype() + (v.isContiguous() ? "" : " (a strided view)"));
      }
    }
    if (params.stream().distinct().count() != params.size()) {
      throw new IllegalArgumentException("a parameter is listed twice");
    }
    return List.copyOf(params);
  }

  /** One optimizer's update of parameter {@code index}: rewrites {@code weights} from {@code grads}. */
  @FunctionalInterface
  interface Rule {
    void update(int index, float[] weights, float[] grads);
  }

  /**
   * Applies {@code rule} to each parameter that has a gradient, writes the weights back in place
   * and clears the gradient.
   */
  static void step(List<Var> params, Rule rule) {
    for (int i = 0; i < params.size(); i++) {
      Var p = params.get(i);
      if (p.grad() == null) {
        continue;
      }
      Tensor v = p.value();
      float[] w = v.toArray();
      rule.update(i, w, p.grad().toArray());
      MemorySegment.copy(w, 0, v.data(), ValueLayout.JAVA_FLOAT_UNALIGNED, v.offset() * 4, w.length);
      p.clearGrad();
    }
  }
}
