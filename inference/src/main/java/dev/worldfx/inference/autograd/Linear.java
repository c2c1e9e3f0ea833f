package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.Arrays;

/** Differentiable matmul, fully connected layer, convolution and transposed convolution. */
public final class Linear {
  private Linear() {}

  /** numpy matmul: [...,M,K] x [...,K,N] -> [...,M,N], batch dims broadcast; a 1-D operand as numpy. */
  public static Var matmul(Tape t, Var a, Var b) {
    int ra = a.value().rank();
    int rb = b.value().rank();
    if (ra == 0 || rb == 0) {
      throw new IllegalArgumentException("matmul of a scalar: " + a + " x " + b);
    }
    if (ra == 1 || rb == 1) {
      // numpy: a 1-D a is a row [1,K], a 1-D b a column [K,1]; the added dim is dropped after
      Var a2 = ra == 1 ? Views.reshape(t, a, 1, a.shape()[0]) : a;
      Var b2 = rb == 1 ? Views.reshape(t, b, b.shape()[0], 1) : b;
      Var y = matmul(t, a2, b2);
      int[] ys = y.shape();
      int[] kept = java.util.stream.IntStream.range(0, ys.length)
          .filter(i -> !(ra == 1 && i == ys.length - 2) && !(rb == 1 && i == ys.length - 1))
          .map(i -> ys[i]).toArray();
      return Views.reshape(t, y, kept);
    }
    Ops ops = t.ops();
    Tensor y = ops.matmul(a.value(), b.value());
    return t.record(y, g -> new Tensor[] {
        // dA = g B^T, dB = A^T g, each summed over the batch dims it was broadcast along
        a.requiresGrad() ? t.sumToShape(ops.matmul(g, lastTwoSwapped(b.value())), a.shape()) : null,
        b.requiresGrad() ? t.sumToShape(ops.matmul(lastTwoSwapped(a.value()), g), b.shape()) : null}, a, b);
  }

  private static Tensor lastTwoSwapped(Tensor x) {
    return x.transpose(x.rank() - 2, x.rank() - 1);
  }

  /** Fully connected: x [...,in], w [out,in], bias [out] or null -> x w^T + bias [...,out]. */
  public static Var linear(Tape t, Var x, Var w, Var bias) {
    int[] xs = x.shape();
    int[] ws = w.shape();
    if (ws.length != 2 || xs.length == 0 || xs[xs.length - 1] != ws[1]
        || (bias != null && !Arrays.equals(bias.shape(), new int[] {ws[0]}))) {
      throw new IllegalArgumentException("linear needs x [...,in], w [out,in], bias [out]; got x " + Arrays.toString(xs)
          + ", w " + Arrays.toString(ws) + (bias == null ? "" : ", bias " + Arrays.toString(bias.shape())));
    }
    Ops ops = t.ops();
    int in = ws[1];
    int out = ws[0];
    int rows = Math.toIntExact(x.value().numel() / Math.max(1, in));
    Tensor x2 = t.contiguous(x.value()).reshape(rows, in); // [M,in]
    Tensor y2 = ops.gemm(x2, w.value(), bias == null ? null : bias.value(), false, true, 1f, 1f); // [M,out]
    int[] ys = xs.clone();
    ys[ys.length - 1] = out;
    return t.record(y2.reshape(ys), g -> {
      Tensor g2 = t.contiguous(g).reshape(rows, out); // [M,out]
      return new Tensor[] {
          x.requiresGrad() ? ops.gemm(g2, w.value(), null, false, false, 1f, 0f).reshape(xs) : null, // g w
          w.requiresGrad() ? ops.gemm(g2, x2, null, true, false, 1f, 0f) : null, // g^T x [out,in]
          bias != null && bias.requiresGrad() ? ops.reduce(Ops.Reduce.SUM, g2, new int[] {0}, false) : null};
    }, x, w, bias);
  }

  /** x [N,C,H,W], w [O,C/groups,kh,kw], bias [O] or null -> [N,O,Ho,Wo]. */
  public static Var conv2d(Tape t, Var x, Var w, Var bias, Conv2dParams p) {
    Ops ops = t.ops();
    Tensor y = ops.conv2d(x.value(), w.value(), bias == null ? null : bias.value(), p);
    return t.record(y, g -> new Tensor[] {
        x.requiresGrad() ? ops.conv2dBackwardInput(g, w.value(), x.shape(), p) : null,
        w.requiresGrad() ? ops.conv2dBackwardWeight(x.value(), g, w.shape(), p) : null,
        biasGrad(t, g, bias)}, x, w, bias);
  }

  /**
   * x [N,C,H,W], w [C,O/groups,kh,kw], bias [O] or null -> [N,O,Ho,Wo]. The transposed convolution
   * is the adjoint (w.r.t. its input) of conv2d with the same weight read as [C,O/groups,kh,kw],
   * mapping O channels to C. So for y = convT(x, w): dx = conv2d(gy, w); and since <gy, convT(x, w)> =
   * <conv2d(gy, w), x>, dw is conv2d's weight gradient with input gy and output gradient x.
   * outputPadding only adds rows and columns that conv2d with these pads does not reach, so it
   * drops out.
   */
  public static Var convTranspose2d(Tape t, Var x, Var w, Var bias, Conv2dParams p) {
    Ops ops = t.ops();
    Tensor y = ops.convTranspose2d(x.value(), w.value(), bias == null ? null : bias.value(), p);
    Conv2dParams forward = new Conv2dParams(p.strideH(), p.strideW(), p.padTop(), p.padLeft(), p.padBottom(),
        p.padRight(), p.dilationH(), p.dilationW(), p.groups(), 0, 0);
    return t.record(y, g -> new Tensor[] {
        x.requiresGrad() ? ops.conv2d(g, w.value(), null, forward) : null,
        w.requiresGrad() ? ops.conv2dBackwardWeight(g, x.value(), w.shape(), forward) : null,
        biasGrad(t, g, bias)}, x, w, bias);
  }

  private static Tensor biasGrad(Tape t, Tensor g, Var bias) {
    // bias [O] is added at every (n, y, x) of g [N,O,Ho,Wo]
    return bias != null && bias.requiresGrad() ? t.ops().reduce(Ops.Reduce.SUM, g, new int[] {0, 2, 3}, false) : null;
  }
}
