package dev.worldfx.inference.cpu;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/** Fast CPU kernels of the conv ops; what is not covered goes to the reference. */
final class CpuConv {
  private CpuConv() {}

  static Tensor conv2d(OpContext ctx, Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    return ctx.reference().conv2d(x, w, bias, p);
  }

  static Tensor convTranspose2d(OpContext ctx, Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    return ctx.reference().convTranspose2d(x, w, bias, p);
  }

  static Tensor conv2dBackwardInput(OpContext ctx, Tensor gradOut, Tensor w, int[] inputShape, Conv2dParams p) {
    return ctx.reference().conv2dBackwardInput(gradOut, w, inputShape, p);
  }

  static Tensor conv2dBackwardWeight(OpContext ctx, Tensor x, Tensor gradOut, int[] weightShape, Conv2dParams p) {
    return ctx.reference().conv2dBackwardWeight(x, gradOut, weightShape, p);
  }
}
