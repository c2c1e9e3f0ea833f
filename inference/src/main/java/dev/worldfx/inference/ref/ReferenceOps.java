package dev.worldfx.inference.ref;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.List;

/**
 * The scalar reference backend: plain loops, obviously correct, slow. It is the
 * executable specification every fast kernel is tested against. Each op group lives in
 * its own class (RefLinear, RefConv, RefPointwise, RefNorm, RefSpatial).
 */
public final class ReferenceOps implements Ops {
  private final OpContext ctx;

  public ReferenceOps(Arena arena) {
    this.ctx = new OpContext(arena, this, this);
  }

  @Override
  public Tensor matmul(Tensor a, Tensor b) {
    return RefLinear.matmul(ctx, a, b);
  }

  @Override
  public Tensor gemm(Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, float alpha, float beta) {
    return RefLinear.gemm(ctx, a, b, c, transA, transB, alpha, beta);
  }

  @Override
  public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    return RefConv.conv2d(ctx, x, w, bias, p);
  }

  @Override
  public Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    return RefConv.convTranspose2d(ctx, x, w, bias, p);
  }

  @Override
  public Tensor conv2dBackwardInput(Tensor gradOut, Tensor w, int[] inputShape, Conv2dParams p) {
    return RefConv.conv2dBackwardInput(ctx, gradOut, w, inputShape, p);
  }

  @Override
  public Tensor conv2dBackwardWeight(Tensor x, Tensor gradOut, int[] weightShape, Conv2dParams p) {
    return RefConv.conv2dBackwardWeight(ctx, x, gradOut, weightShape, p);
  }

  @Override
  public Tensor unary(Unary op, Tensor x, float alpha) {
    return RefPointwise.unary(ctx, op, x, alpha);
  }

  @Override
  public Tensor binary(Binary op, Tensor a, Tensor b) {
    return RefPointwise.binary(ctx, op, a, b);
  }

  @Override
  public Tensor reduce(Reduce op, Tensor x, int[] axes, boolean keepDims) {
    return RefPointwise.reduce(ctx, op, x, axes, keepDims);
  }

  @Override
  public Tensor softmax(Tensor x, int axis) {
    return RefPointwise.softmax(ctx, x, axis);
  }

  @Override
  public Tensor batchNorm(Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, float eps) {
    return RefNorm.batchNorm(ctx, x, scale, bias, mean, var, eps);
  }

  @Override
  public Tensor groupNorm(Tensor x, int groups, Tensor scale, Tensor bias, float eps) {
    return RefNorm.groupNorm(ctx, x, groups, scale, bias, eps);
  }

  @Override
  public Tensor layerNorm(Tensor x, int axis, Tensor scale, Tensor bias, float eps) {
    return RefNorm.layerNorm(ctx, x, axis, scale, bias, eps);
  }

  @Override
  public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
    return RefNorm.attention(ctx, q, k, v, mask, scale);
  }

  @Override
  public Tensor resize(Tensor x, int outH, int outW, ResizeMode mode, CoordMode coord, NearestMode nearest, float cubicA) {
    return RefSpatial.resize(ctx, x, outH, outW, mode, coord, nearest, cubicA);
  }

  @Override
  public Tensor resize(Tensor x, int outH, int outW, double scaleH, double scaleW, ResizeMode mode, CoordMode coord,
                       NearestMode nearest, float cubicA) {
    return RefSpatial.resize(ctx, x, outH, outW, scaleH, scaleW, mode, coord, nearest, cubicA);
  }

  @Override
  public Tensor pixelShuffle(Tensor x, int r) {
    return RefSpatial.pixelShuffle(ctx, x, r);
  }

  @Override
  public Tensor pad(Tensor x, int[] pads, PadMode mode, float value) {
    return RefSpatial.pad(ctx, x, pads, mode, value);
  }

  @Override
  public Tensor concat(List<Tensor> xs, int axis) {
    return RefSpatial.concat(ctx, xs, axis);
  }

  @Override
  public Tensor slice(Tensor x, int[] starts, int[] ends, int[] axes, int[] steps) {
    return RefSpatial.slice(ctx, x, starts, ends, axes, steps);
  }

  @Override
  public Tensor gridSample(Tensor x, Tensor grid, GridMode mode, GridPadding padding, boolean alignCorners) {
    return RefSpatial.gridSample(ctx, x, grid, mode, padding, alignCorners);
  }

  @Override
  public Tensor[] gridSampleBackward(Tensor gradOut, Tensor x, Tensor grid, GridPadding padding, boolean alignCorners) {
    return RefSpatial.gridSampleBackward(ctx, gradOut, x, grid, padding, alignCorners);
  }

  @Override
  public Tensor warp(Tensor x, Tensor flow, GridPadding padding) {
    return RefSpatial.warp(ctx, x, flow, padding);
  }
}
