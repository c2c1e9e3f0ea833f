package dev.worldfx.inference;

import java.util.List;

/**
 * The op set, kept small and complete for what the models need. Inputs are F32 (call
 * {@link Tensor#toF32} first); outputs are new contiguous F32 tensors from the
 * implementation's arena. Shapes are written as comments: [N,C,H,W] for images.
 * Semantics follow the ONNX operator of the same name unless stated otherwise.
 *
 * <p>Arenas: fast kernels split large work over pool threads, which can only touch memory of
 * a shared arena ({@code Arena.ofShared()}, {@code ofAuto()}, {@code global()}). Given tensors
 * or an output arena that are confined, a kernel runs on the calling thread instead: correct
 * and bit-identical, only slower. Use shared arenas for frame-sized work.
 */
public interface Ops {
  // --- linear and convolution -------------------------------------------------------------

  /** [...,M,K] x [...,K,N] -> [...,M,N]; leading (batch) dims broadcast (numpy matmul). 1-D operands as numpy. */
  Tensor matmul(Tensor a, Tensor b);

  /** ONNX Gemm: alpha * op(A) * op(B) + beta * C; A [M,K] (or [K,M] if transA), C null or broadcastable to [M,N]. */
  Tensor gemm(Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, float alpha, float beta);

  /** x [N,C,H,W], w [O,C/groups,kh,kw], bias [O] or null -> [N,O,Ho,Wo]. Depthwise = groups == C. */
  Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p);

  /** x [N,C,H,W], w [C,O/groups,kh,kw], bias [O] or null -> [N,O,Ho,Wo] (ONNX ConvTranspose, explicit pads). */
  Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p);

  /** Gradient of conv2d w.r.t. its input: gradOut [N,O,Ho,Wo], w [O,C/g,kh,kw] -> [N,C,H,W] of {@code inputShape}. */
  Tensor conv2dBackwardInput(Tensor gradOut, Tensor w, int[] inputShape, Conv2dParams p);

  /** Gradient of conv2d w.r.t. its weight: x [N,C,H,W], gradOut [N,O,Ho,Wo] -> [O,C/g,kh,kw] of {@code weightShape}. */
  Tensor conv2dBackwardWeight(Tensor x, Tensor gradOut, int[] weightShape, Conv2dParams p);

  // --- pointwise, reductions, normalisation --------------------------------------------------

  enum Unary { RELU, LEAKY_RELU, GELU, GELU_TANH, SILU, SIGMOID, TANH, EXP, LOG, SQRT, NEG, ABS, IDENTITY }

  /** Elementwise; {@code alpha} is LeakyRelu's slope (ignored by the others). GELU is the erf form. */
  Tensor unary(Unary op, Tensor x, float alpha);

  enum Binary { ADD, SUB, MUL, DIV, MAX, MIN, POW }

  /** Elementwise with numpy broadcasting. */
  Tensor binary(Binary op, Tensor a, Tensor b);

  enum Reduce { SUM, MEAN, MAX, MIN }

  /** Reduces over {@code axes} (negative axes count from the end; empty = all). */
  Tensor reduce(Reduce op, Tensor x, int[] axes, boolean keepDims);

  /** Softmax along {@code axis}, max-subtracted for stability. */
  Tensor softmax(Tensor x, int axis);

  /** Inference batch norm over axis 1: (x - mean) / sqrt(var + eps) * scale + bias; all params [C]. */
  Tensor batchNorm(Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, float eps);

  /** x [N,C,...] normalised per (n, group) over C/groups channels and all spatial dims; scale, bias [C] or null. */
  Tensor groupNorm(Tensor x, int groups, Tensor scale, Tensor bias, float eps);

  /** Normalises over dims [axis, rank) (ONNX LayerNormalization); scale, bias broadcast to those dims or null. */
  Tensor layerNorm(Tensor x, int axis, Tensor scale, Tensor bias, float eps);

  /**
   * Scaled dot-product attention: softmax(q k^T * scale + mask) v. q [...,Lq,D], k [...,Lk,D], v [...,Lk,Dv],
   * mask additive, broadcastable to [...,Lq,Lk], or null; scale NaN means 1/sqrt(D).
   */
  Tensor attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale);

  // --- spatial ----------------------------------------------------------------------------------

  enum ResizeMode { NEAREST, BILINEAR, BICUBIC }

  /** ONNX coordinate_transformation_mode. */
  enum CoordMode { HALF_PIXEL, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC }

  /** ONNX nearest_mode, used by NEAREST only. */
  enum NearestMode { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL }

  /**
   * x [N,C,H,W] -> [N,C,outH,outW]. Bicubic uses {@code cubicA} (ONNX default -0.75) and does not exclude outside
   * pixels (edge-clamped taps), as ONNX with exclude_outside = 0.
   */
  Tensor resize(Tensor x, int outH, int outW, ResizeMode mode, CoordMode coord, NearestMode nearest, float cubicA);

  /**
   * As {@link #resize(Tensor, int, int, ResizeMode, CoordMode, NearestMode, float)} with explicit ONNX scales: a model
   * that gives scales sizes the output floor(in * scale) but maps coordinates by the scale itself, not out / in.
   */
  Tensor resize(Tensor x, int outH, int outW, double scaleH, double scaleW, ResizeMode mode, CoordMode coord,
                NearestMode nearest, float cubicA);

  /** [N,C*r*r,H,W] -> [N,C,H*r,W*r], channel order as PyTorch PixelShuffle (ONNX DepthToSpace mode CRD). */
  Tensor pixelShuffle(Tensor x, int r);

  enum PadMode { CONSTANT, REFLECT, EDGE }

  /** pads = [begin_0, ..., begin_{r-1}, end_0, ..., end_{r-1}] as ONNX Pad; negative pads crop. */
  Tensor pad(Tensor x, int[] pads, PadMode mode, float value);

  Tensor concat(List<Tensor> xs, int axis);

  /** ONNX Slice: starts/ends clamped per ONNX rules, negative steps allowed; axes may be negative. */
  Tensor slice(Tensor x, int[] starts, int[] ends, int[] axes, int[] steps);

  enum GridMode { BILINEAR, NEAREST, BICUBIC }

  enum GridPadding { ZEROS, BORDER, REFLECTION }

  /**
   * ONNX GridSample / torch grid_sample: x [N,C,H,W], grid [N,Ho,Wo,2] with (x, y) normalised to [-1, 1]
   * -> [N,C,Ho,Wo].
   */
  Tensor gridSample(Tensor x, Tensor grid, GridMode mode, GridPadding padding, boolean alignCorners);

  /**
   * Gradients of bilinear gridSample: returns {dx [N,C,H,W], dgrid [N,Ho,Wo,2]} for gradOut [N,C,Ho,Wo]
   * (what training a flow or warp field needs).
   */
  Tensor[] gridSampleBackward(Tensor gradOut, Tensor x, Tensor grid, GridPadding padding, boolean alignCorners);

  /**
   * Backward warp by a flow in pixels: out(n,c,y,x) = x(n, c, y + flow[n,1,y,x], x + flow[n,0,y,x]),
   * bilinear; x [N,C,H,W], flow [N,2,H,W]. The workhorse of flow-guided video work.
   */
  Tensor warp(Tensor x, Tensor flow, GridPadding padding);
}
