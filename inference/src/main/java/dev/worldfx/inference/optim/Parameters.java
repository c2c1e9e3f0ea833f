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

  static float[] read(Var p) {
    return p.value().toArray();
  }

  static void write(Var p, float[] values) {
    Tensor v = p.value();
    MemorySegment.copy(values, 0, v.data(), ValueLayout.JAVA_FLOAT_UNALIGNED, v.offset() * 4, values.length);
  }
}
