package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.Binary;
import dev.worldfx.inference.Ops.Reduce;
import dev.worldfx.inference.Tensor;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Differentiable layer and group normalisation. The forward is the fused op; the backward is
 * written out here: with xhat = (x - mean) * r, r = 1/sqrt(var + eps) over a normalised group of n
 * elements, and dxhat the gradient reaching xhat,
 * dx = r * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)).
 */
public final class Normalization {
  private Normalization() {}

  /** Normalises over dims [axis, rank); scale and bias broadcast to those dims, or null. */
  public static Var layerNorm(Tape t, Var x, int axis, Var scale, Var bias, float eps) {
    Ops ops = t.ops();
    int rank = x.value().rank();
    int first = Views.axis(axis, rank);
    int[] axes = IntStream.range(first, rank).toArray();
    Tensor y = ops.layerNorm(x.value(), axis, value(scale), value(bias), eps);
    return t.record(y, g -> {
      Tensor xhat = ops.layerNorm(x.value(), axis, null, null, eps);
      Tensor dxhat = scale == null ? g : ops.binary(Binary.MUL, g, scale.value());
      return new Tensor[] {
          x.requiresGrad() ? standardizedBackward(t, dxhat, xhat, x.value(), axes, eps) : null,
          needs(scale) ? t.sumToShape(ops.binary(Binary.MUL, g, xhat), scale.shape()) : null,
          needs(bias) ? t.sumToShape(g, bias.shape()) : null};
    }, x, scale, bias);
  }

  /** x [N,C,...] normalised per (n, group) of C/groups channels and all spatial dims; scale, bias [C] or null. */
  public static Var groupNorm(Tape t, Var x, int groups, Var scale, Var bias, float eps) {
    Ops ops = t.ops();
    int[] xs = x.shape();
    Tensor y = ops.groupNorm(x.value(), groups, value(scale), value(bias), eps);
    int[] perChannel = new int[xs.length - 1]; // [C,1,...,1]: scale and bias against x [N,C,...]
    Arrays.fill(perChannel, 1);
    perChannel[0] = xs[1];
    int[] notChannel = IntStream.range(0, xs.length).filter(i -> i != 1).toArray();
    int[] grouped = {xs[0], groups, -1}; // [N,G,C/G*spatial]: one row per normalised group
    return t.record(y, g -> {
      Tensor xhat = ops.groupNorm(x.value(), groups, null, null, eps); // [N,C,...]
      Tensor dxhat = scale == null ? g : ops.binary(Binary.MUL, g, t.contiguous(scale.value()).reshape(perChannel));
      Tensor dx = null;
      if (x.requiresGrad()) {
        dx = standardizedBackward(t, t.contiguous(dxhat).reshape(grouped), xhat.reshape(grouped),
            t.contiguous(x.value()).reshape(grouped), new int[] {2}, eps).reshape(xs);
      }
      return new Tensor[] {dx,
          needs(scale) ? perChannelSum(t, ops.binary(Binary.MUL, g, xhat), notChannel, scale) : null,
          needs(bias) ? perChannelSum(t, g, notChannel, bias) : null};
    }, x, scale, bias);
  }

  private static Tensor perChannelSum(Tape t, Tensor g, int[] notChannel, Var param) {
    return t.ops().reduce(Reduce.SUM, g, notChannel, false).reshape(param.shape());
  }

  /** dx of xhat = (x - mean) / sqrt(var + eps) over {@code axes}, from dxhat (see the class comment). */
  private static Tensor standardizedBackward(Tape t, Tensor dxhat, Tensor xhat, Tensor x, int[] axes, float eps) {
    Ops ops = t.ops();
    Tensor centred = ops.binary(Binary.SUB, x, ops.reduce(Reduce.MEAN, x, axes, true));
    Tensor variance = ops.reduce(Reduce.MEAN, ops.binary(Binary.MUL, centred, centred), axes, true);
    Tensor r = ops.binary(Binary.DIV, t.scalar(1f),
        ops.unary(Ops.Unary.SQRT, ops.binary(Binary.ADD, variance, t.scalar(eps)), 0f));
    Tensor meanDxhat = ops.reduce(Reduce.MEAN, dxhat, axes, true);
    Tensor meanDxhatXhat = ops.reduce(Reduce.MEAN, ops.binary(Binary.MUL, dxhat, xhat), axes, true);
    Tensor inner = ops.binary(Binary.SUB, ops.binary(Binary.SUB, dxhat, meanDxhat),
        ops.binary(Binary.MUL, xhat, meanDxhatXhat));
    return ops.binary(Binary.MUL, r, inner);
  }

  private static Tensor value(Var v) {
    return v == null ? null : v.value();
  }

  private static boolean needs(Var v) {
    return v != null && v.requiresGrad();
  }
}
