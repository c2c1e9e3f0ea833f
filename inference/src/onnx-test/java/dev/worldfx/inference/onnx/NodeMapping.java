package dev.worldfx.inference.onnx;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.Binary;
import dev.worldfx.inference.Ops.Unary;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import onnx.Onnx.NodeProto;

/**
 * Maps one ONNX node (op type, opset, attributes, input values) onto calls of our {@link Ops}.
 * The decision whether a case is applicable is made here, from the node and its data alone,
 * before any op runs; each refusal names its reason. Attribute defaults and input layouts
 * follow the ONNX operator spec (docs/Operators.md / docs/Changelog.md) of the node's opset.
 */
final class NodeMapping {
  private NodeMapping() {}

  /** Runs the node on an Ops implementation; {@code in[i]} is the FLOAT node input i as a tensor, null otherwise. */
  @FunctionalInterface
  interface Invocation {
    Tensor run(Ops ops, Arena arena, Tensor[] in);
  }

  /**
   * What running the node means for us. Our ops have one output, compared with the node's
   * first; {@code uncompared} names any further node outputs (only LayerNormalization's
   * training statistics are let through), null when there are none.
   */
  record Plan(Invocation invocation, String uncompared) {}

  private static final Map<String, Unary> UNARY = Map.of("Relu", Unary.RELU, "Sigmoid", Unary.SIGMOID, "Tanh",
      Unary.TANH, "Exp", Unary.EXP, "Log", Unary.LOG, "Sqrt", Unary.SQRT, "Neg", Unary.NEG, "Abs", Unary.ABS,
      "Identity", Unary.IDENTITY);
  private static final Map<String, Binary> BINARY = Map.of("Add", Binary.ADD, "Sub", Binary.SUB, "Mul", Binary.MUL,
      "Div", Binary.DIV, "Pow", Binary.POW);
  private static final Map<String, Binary> VARIADIC = Map.of("Max", Binary.MAX, "Min", Binary.MIN, "Sum", Binary.ADD,
      "Mean", Binary.ADD);
  private static final Map<String, Ops.Reduce> REDUCE = Map.of("ReduceSum", Ops.Reduce.SUM, "ReduceMean",
      Ops.Reduce.MEAN, "ReduceMax", Ops.Reduce.MAX, "ReduceMin", Ops.Reduce.MIN);
  private static final Set<String> OTHERS = Set.of("LeakyRelu", "Gelu", "Softmax", "LayerNormalization",
      "BatchNormalization", "InstanceNormalization", "Gemm", "MatMul", "Conv", "ConvTranspose", "Resize",
      "GridSample", "Pad", "Concat", "Slice", "DepthToSpace");

  /** The ONNX op types we map; only cases of these are loaded. */
  static boolean maps(String opType) {
    return UNARY.containsKey(opType) || BINARY.containsKey(opType) || VARIADIC.containsKey(opType)
        || REDUCE.containsKey(opType) || OTHERS.contains(opType);
  }

  static Plan plan(NodeProto node, long opset, List<OnnxValue> in) throws NotApplicableException {
    String op = node.getOpType();
    String uncompared = node.getOutputCount() > 1 ? node.getOutputList().subList(1, node.getOutputCount()).toString()
        : null;
    if (uncompared != null && !op.equals("LayerNormalization")) {
      throw new NotApplicableException(node.getOutputCount() + " outputs (training-mode outputs)");
    }
    Invocation inv;
    if (UNARY.containsKey(op)) {
      NodeAttributes.of(node);
      floats(in, 1, 1);
      Unary u = UNARY.get(op);
      inv = (ops, arena, t) -> ops.unary(u, t[0], 0f);
    } else if (BINARY.containsKey(op)) {
      inv = binary(node, opset, in, BINARY.get(op));
    } else if (VARIADIC.containsKey(op)) {
      inv = variadic(node, in, VARIADIC.get(op));
    } else if (REDUCE.containsKey(op)) {
      inv = reduce(node, opset, in, REDUCE.get(op));
    } else {
      inv = switch (op) {
        case "LeakyRelu" -> leakyRelu(node, in);
        case "Gelu" -> gelu(node, in);
        case "Softmax" -> softmax(node, opset, in);
        case "LayerNormalization" -> layerNorm(node, in);
        case "BatchNormalization" -> batchNorm(node, opset, in);
        case "InstanceNormalization" -> instanceNorm(node, in);
        case "Gemm" -> gemm(node, in);
        case "MatMul" -> matmul(node, in);
        case "Conv" -> conv(node, in);
        case "ConvTranspose" -> convTranspose(node, in);
        case "Resize" -> resize(node, opset, in);
        case "GridSample" -> gridSample(node, in);
        case "Pad" -> pad(node, opset, in);
        case "Concat" -> concat(node, in);
        case "Slice" -> slice(node, opset, in);
        case "DepthToSpace" -> depthToSpace(node, in);
        default -> throw new IllegalArgumentException("op " + op + " is not mapped");
      };
    }
    return new Plan(inv, uncompared);
  }

  // --- pointwise ----------------------------------------------------------------------------

  private static Invocation leakyRelu(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "alpha");
    floats(in, 1, 1);
    float alpha = a.f("alpha", 0.01f);
    return (ops, arena, t) -> ops.unary(Unary.LEAKY_RELU, t[0], alpha);
  }

  /** Gelu arrived in opset 20; a newer test data package brings its cases. */
  private static Invocation gelu(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "approximate");
    floats(in, 1, 1);
    Unary u = switch (a.s("approximate", "none")) {
      case "none" -> Unary.GELU;
      case "tanh" -> Unary.GELU_TANH;
      default -> throw new NotApplicableException("Gelu approximate=" + a.s("approximate", ""));
    };
    return (ops, arena, t) -> ops.unary(u, t[0], 0f);
  }

  /**
   * Opsets before 7 broadcast only with broadcast=1, aligning B at {@code axis} of A (or at the
   * end); from 7 on it is numpy broadcasting, which the legacy form is reshaped into.
   */
  private static Invocation binary(NodeProto node, long opset, List<OnnxValue> in, Binary op)
      throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "broadcast", "axis");
    floats(in, 2, 2);
    int[] aShape = in.get(0).shape();
    int[] bShape = in.get(1).shape();
    if (opset < 7) {
      if (a.i("broadcast", 0) == 0 && !Arrays.equals(aShape, bShape)) {
        throw new IllegalArgumentException("opset " + opset + " " + node.getOpType() + " without broadcast=1 on "
            + Arrays.toString(aShape) + " and " + Arrays.toString(bShape));
      }
      if (a.has("axis")) {
        int axis = axis(a.i("axis", 0), aShape.length);
        int[] aligned = Arrays.copyOf(bShape, aShape.length - axis);
        Arrays.fill(aligned, bShape.length, aligned.length, 1);
        bShape = aligned;
      }
    }
    int[] b = bShape;
    return (ops, arena, t) -> ops.binary(op, t[0], t[1].reshape(b));
  }

  /** Max, Min, Sum, Mean of one or more inputs, folded left to right; Mean divides the sum by the count. */
  private static Invocation variadic(NodeProto node, List<OnnxValue> in, Binary op) throws NotApplicableException {
    NodeAttributes.of(node);
    floats(in, 1, Integer.MAX_VALUE);
    boolean mean = node.getOpType().equals("Mean");
    int n = in.size();
    return (ops, arena, t) -> {
      Tensor acc = n == 1 ? ops.unary(Unary.IDENTITY, t[0], 0f) : ops.binary(op, t[0], t[1]);
      for (int i = 2; i < n; i++) {
        acc = ops.binary(op, acc, t[i]);
      }
      return mean ? ops.binary(Binary.DIV, acc, Tensor.of(arena, new float[] {n})) : acc;
    };
  }

  /** Axes are an attribute up to ReduceSum-11 and the other reductions' opset 17, an input afterwards. */
  private static Invocation reduce(NodeProto node, long opset, List<OnnxValue> in, Ops.Reduce op)
      throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "axes", "keepdims", "noop_with_empty_axes");
    boolean axesInput = node.getOpType().equals("ReduceSum") ? opset >= 13 : opset >= 18;
    floats(in, 1, axesInput ? 2 : 1, 1);
    long[] axes = axesInput ? (optional(in, 1) == null ? new long[0] : ints(in, 1)) : a.ints("axes", new long[0]);
    boolean keepDims = a.i("keepdims", 1) == 1;
    if (axes.length == 0 && a.i("noop_with_empty_axes", 0) == 1) {
      return (ops, arena, t) -> ops.unary(Unary.IDENTITY, t[0], 0f);
    }
    int[] ax = toInts(axes);
    return (ops, arena, t) -> ops.reduce(op, t[0], ax, keepDims);
  }

  /**
   * Before opset 13 Softmax views the input as 2-D [prod(d < axis), prod(d >= axis)] and
   * normalises each row (default axis 1); from 13 on it is along one axis (default -1).
   */
  private static Invocation softmax(NodeProto node, long opset, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "axis");
    floats(in, 1, 1);
    int[] shape = in.get(0).shape();
    if (opset >= 13) {
      int axis = (int) a.i("axis", -1);
      return (ops, arena, t) -> ops.softmax(t[0], axis);
    }
    int axis = axis(a.i("axis", 1), shape.length);
    int rows = Math.toIntExact(Tensor.numel(Arrays.copyOfRange(shape, 0, axis)));
    int cols = Math.toIntExact(Tensor.numel(Arrays.copyOfRange(shape, axis, shape.length)));
    return (ops, arena, t) -> ops.softmax(t[0].reshape(rows, cols), 1).reshape(shape);
  }

  // --- normalisation ------------------------------------------------------------------------

  /** Only Y is compared: Mean and InvStdDev are optional training outputs our layerNorm does not return. */
  private static Invocation layerNorm(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "axis", "epsilon", "stash_type");
    floats(in, 2, 3);
    if (a.i("stash_type", 1) != 1) {
      throw new NotApplicableException("LayerNormalization stash_type=" + a.i("stash_type", 1));
    }
    int axis = (int) a.i("axis", -1);
    float eps = a.f("epsilon", 1e-5f);
    return (ops, arena, t) -> ops.layerNorm(t[0], axis, t[1], at(t, 2), eps);
  }

  /**
   * Inference mode only: training_mode=1 (opset 14+), is_test=0 (opset 6 and older) or extra
   * outputs (opset 7 to 13) ask for batch statistics; spatial=0 (opset 8 and older) for
   * per-activation ones. momentum only updates running statistics in training.
   */
  private static Invocation batchNorm(NodeProto node, long opset, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "epsilon", "momentum", "training_mode", "is_test", "spatial");
    floats(in, 5, 5);
    if (a.i("training_mode", 0) != 0 || (opset <= 6 && a.i("is_test", 0) == 0)) {
      throw new NotApplicableException("BatchNormalization in training mode");
    }
    if (a.i("spatial", 1) != 1) {
      throw new NotApplicableException("BatchNormalization spatial=0 (per-activation statistics)");
    }
    float eps = a.f("epsilon", 1e-5f);
    return (ops, arena, t) -> ops.batchNorm(t[0], t[1], t[2], t[3], t[4], eps);
  }

  /** Instance norm is group norm with one group per channel. */
  private static Invocation instanceNorm(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "epsilon");
    floats(in, 3, 3);
    int channels = in.get(0).shape()[1];
    float eps = a.f("epsilon", 1e-5f);
    return (ops, arena, t) -> ops.groupNorm(t[0], channels, t[1], t[2], eps);
  }

  // --- linear and convolution -----------------------------------------------------------------

  /** broadcast (opset 6 and older) only says C may broadcast, which ours always allows. */
  private static Invocation gemm(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "alpha", "beta", "transA", "transB", "broadcast");
    floats(in, 2, 3);
    float alpha = a.f("alpha", 1f);
    float beta = a.f("beta", 1f);
    boolean transA = a.i("transA", 0) == 1;
    boolean transB = a.i("transB", 0) == 1;
    return (ops, arena, t) -> ops.gemm(t[0], t[1], at(t, 2), transA, transB, alpha, beta);
  }

  private static Invocation matmul(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes.of(node);
    floats(in, 2, 2);
    return (ops, arena, t) -> ops.matmul(t[0], t[1]);
  }

  /**
   * Per-axis geometry of a 1-D or 2-D convolution. A 1-D one runs as 2-D with a unit height
   * (x [N,C,L] as [N,C,1,L], w [O,C/g,k] as [O,C/g,1,k]): the same sums, term for term.
   */
  private record Geometry(int spatial, int[] in, int[] kernel, int[] strides, int[] dilations, int[] padBegin,
                          int[] padEnd, int[] outputPadding, int groups) {
    Conv2dParams params() {
      int h = spatial - 2; // index of the height axis, -1 when the height is the unit one
      return new Conv2dParams(h < 0 ? 1 : strides[h], strides[spatial - 1], h < 0 ? 0 : padBegin[h],
          padBegin[spatial - 1], h < 0 ? 0 : padEnd[h], padEnd[spatial - 1], h < 0 ? 1 : dilations[h],
          dilations[spatial - 1], groups, h < 0 ? 0 : outputPadding[h], outputPadding[spatial - 1]);
    }

    /** [N,C,L] -> [N,C,1,L]; 4-D shapes unchanged. */
    int[] as4d(int[] shape) {
      return shape.length == 4 ? shape : new int[] {shape[0], shape[1], 1, shape[2]};
    }

    Tensor fromNchw(Tensor y) {
      return spatial == 2 ? y : y.reshape(y.dim(0), y.dim(1), y.dim(3));
    }
  }

  private static Geometry geometry(NodeProto node, List<OnnxValue> in, NodeAttributes a) throws NotApplicableException {
    int[] x = in.get(0).shape();
    int[] w = in.get(1).shape();
    int spatial = x.length - 2;
    if (spatial != 1 && spatial != 2) {
      throw new NotApplicableException(spatial + "-D " + node.getOpType() + " (ours is 2-D, 1-D as unit height)");
    }
    if (w.length != x.length) {
      throw new IllegalArgumentException("weight " + Arrays.toString(w) + " for input " + Arrays.toString(x));
    }
    int[] kernel = Arrays.copyOfRange(w, 2, w.length);
    int[] declared = toInts(a.ints("kernel_shape", toLongs(kernel)));
    if (!Arrays.equals(declared, kernel)) {
      throw new IllegalArgumentException("kernel_shape " + Arrays.toString(declared) + " but weight " + Arrays.toString(w));
    }
    int[] pads = toInts(a.ints("pads", new long[2 * spatial]));
    return new Geometry(spatial, Arrays.copyOfRange(x, 2, x.length), kernel, toInts(a.ints("strides", ones(spatial))),
        toInts(a.ints("dilations", ones(spatial))), Arrays.copyOfRange(pads, 0, spatial),
        Arrays.copyOfRange(pads, spatial, 2 * spatial), toInts(a.ints("output_padding", new long[spatial])),
        (int) a.i("group", 1));
  }

  /**
   * auto_pad SAME_UPPER / SAME_LOWER: output = ceil(in / stride), the total padding split in
   * halves with the odd one at the end (UPPER) or the beginning (LOWER); VALID: no padding.
   */
  private static Invocation conv(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
    floats(in, 2, 3);
    Geometry g = geometry(node, in, a);
    String autoPad = a.s("auto_pad", "NOTSET");
    for (int i = 0; i < g.spatial; i++) {
      switch (autoPad) {
        case "NOTSET" -> { }
        case "VALID" -> {
          g.padBegin[i] = 0;
          g.padEnd[i] = 0;
        }
        case "SAME_UPPER", "SAME_LOWER" -> {
          int out = Math.ceilDiv(g.in[i], g.strides[i]);
          int total = Math.max(0, (out - 1) * g.strides[i] + (g.kernel[i] - 1) * g.dilations[i] + 1 - g.in[i]);
          int small = total / 2;
          g.padBegin[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
          g.padEnd[i] = total - g.padBegin[i];
        }
        default -> throw new IllegalArgumentException("Conv auto_pad=" + autoPad);
      }
    }
    Conv2dParams p = g.params();
    int[] x4 = g.as4d(in.get(0).shape());
    int[] w4 = g.as4d(in.get(1).shape());
    return (ops, arena, t) -> g.fromNchw(ops.conv2d(t[0].reshape(x4), t[1].reshape(w4), at(t, 2), p));
  }

  /**
   * ConvTranspose pads from output_shape or auto_pad (ONNX spec): total = stride * (in - 1) +
   * output_padding + (kernel - 1) * dilation + 1 - out; SAME_UPPER puts floor(total / 2) at the
   * beginning, otherwise the beginning gets total - floor(total / 2). A negative end pad (an
   * output_shape larger than the natural size) lengthens the output at the far side with
   * positions no input reaches, exactly what output_padding does, so it becomes output padding.
   */
  private static Invocation convTranspose(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "auto_pad", "dilations", "group", "kernel_shape", "output_padding",
        "output_shape", "pads", "strides");
    floats(in, 2, 3);
    Geometry g = geometry(node, in, a);
    String autoPad = a.s("auto_pad", "NOTSET");
    long[] outputShape = a.ints("output_shape", null);
    for (int i = 0; i < g.spatial; i++) {
      int target;
      if (outputShape != null) {
        target = Math.toIntExact(outputShape[outputShape.length - g.spatial + i]);
      } else if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
        target = g.in[i] * g.strides[i];
      } else {
        if (autoPad.equals("VALID")) {
          g.padBegin[i] = 0;
          g.padEnd[i] = 0;
        }
        continue;
      }
      int total = g.strides[i] * (g.in[i] - 1) + g.outputPadding[i] + (g.kernel[i] - 1) * g.dilations[i] + 1 - target;
      int half = Math.floorDiv(total, 2);
      g.padBegin[i] = autoPad.equals("SAME_UPPER") ? half : total - half;
      g.padEnd[i] = total - g.padBegin[i];
      if (g.padEnd[i] < 0) {
        g.outputPadding[i] -= g.padEnd[i];
        g.padEnd[i] = 0;
      }
      if (g.padBegin[i] < 0) {
        throw new NotApplicableException("ConvTranspose output_shape needs a negative begin pad " + g.padBegin[i]);
      }
    }
    Conv2dParams p = g.params();
    int[] x4 = g.as4d(in.get(0).shape());
    int[] w4 = g.as4d(in.get(1).shape());
    return (ops, arena, t) -> g.fromNchw(ops.convTranspose2d(t[0].reshape(x4), t[1].reshape(w4), at(t, 2), p));
  }

  // --- spatial --------------------------------------------------------------------------------

  /**
   * Resize (opset 11+: X, roi, scales, sizes) of the H and W axes of an NCHW tensor. With a scales
   * input ONNX sizes the output floor(in * scale) and maps coordinates by the given scale (the
   * scaled overload of our op); with sizes, by out / in.
   */
  private static Invocation resize(NodeProto node, long opset, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
        "extrapolation_value", "mode", "nearest_mode");
    if (opset < 11) {
      throw new NotApplicableException("Resize-10 (asymmetric coordinates with unspecified nearest rounding)");
    }
    floats(in, 1, 4, 3);
    int[] x = in.get(0).shape();
    if (x.length != 4) {
      throw new NotApplicableException("Resize of a rank-" + x.length + " tensor (ours resizes H, W of NCHW)");
    }
    OnnxValue scales = optional(in, 2);
    OnnxValue sizes = optional(in, 3);
    int outH;
    int outW;
    double scaleH = Double.NaN;
    double scaleW = Double.NaN;
    if (sizes != null && sizes.ints() != null && sizes.ints().length > 0) {
      long[] s = ints(in, 3);
      if (s.length != 4 || s[0] != x[0] || s[1] != x[1]) {
        throw new NotApplicableException("Resize sizes " + Arrays.toString(s) + " change N or C");
      }
      outH = Math.toIntExact(s[2]);
      outW = Math.toIntExact(s[3]);
    } else if (scales != null && scales.isFloat() && scales.floats().length == 4) {
      float[] s = scales.floats();
      if (s[0] != 1f || s[1] != 1f) {
        throw new NotApplicableException("Resize scales " + Arrays.toString(s) + " change N or C");
      }
      scaleH = s[2];
      scaleW = s[3];
      outH = (int) Math.floor(x[2] * scaleH);
      outW = (int) Math.floor(x[3] * scaleW);
    } else {
      throw new IllegalArgumentException("Resize without sizes or 4 scales");
    }
    Ops.ResizeMode mode = switch (a.s("mode", "nearest")) {
      case "nearest" -> Ops.ResizeMode.NEAREST;
      case "linear" -> Ops.ResizeMode.BILINEAR;
      case "cubic" -> Ops.ResizeMode.BICUBIC;
      default -> throw new IllegalArgumentException("Resize mode " + a.s("mode", ""));
    };
    Ops.CoordMode coord = switch (a.s("coordinate_transformation_mode", "half_pixel")) {
      case "half_pixel" -> Ops.CoordMode.HALF_PIXEL;
      case "pytorch_half_pixel" -> Ops.CoordMode.PYTORCH_HALF_PIXEL;
      case "align_corners" -> Ops.CoordMode.ALIGN_CORNERS;
      case "asymmetric" -> Ops.CoordMode.ASYMMETRIC;
      default -> throw new NotApplicableException("Resize coordinate_transformation_mode="
          + a.s("coordinate_transformation_mode", ""));
    };
    Ops.NearestMode nearest = switch (a.s("nearest_mode", "round_prefer_floor")) {
      case "round_prefer_floor" -> Ops.NearestMode.ROUND_PREFER_FLOOR;
      case "round_prefer_ceil" -> Ops.NearestMode.ROUND_PREFER_CEIL;
      case "floor" -> Ops.NearestMode.FLOOR;
      case "ceil" -> Ops.NearestMode.CEIL;
      default -> throw new IllegalArgumentException("Resize nearest_mode " + a.s("nearest_mode", ""));
    };
    if (a.i("exclude_outside", 0) != 0) {
      throw new NotApplicableException("Resize exclude_outside=1 (ours clamps cubic taps at the edge)");
    }
    float cubicA = a.f("cubic_coeff_a", -0.75f);
    if (Double.isNaN(scaleH)) {
      return (ops, arena, t) -> ops.resize(t[0], outH, outW, mode, coord, nearest, cubicA);
    }
    double sh = scaleH;
    double sw = scaleW;
    return (ops, arena, t) -> ops.resize(t[0], outH, outW, sh, sw, mode, coord, nearest, cubicA);
  }

  private static Invocation gridSample(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "align_corners", "mode", "padding_mode");
    floats(in, 2, 2);
    Ops.GridMode mode = switch (a.s("mode", "bilinear")) {
      case "bilinear" -> Ops.GridMode.BILINEAR;
      case "nearest" -> Ops.GridMode.NEAREST;
      case "bicubic" -> Ops.GridMode.BICUBIC;
      default -> throw new NotApplicableException("GridSample mode=" + a.s("mode", ""));
    };
    Ops.GridPadding padding = switch (a.s("padding_mode", "zeros")) {
      case "zeros" -> Ops.GridPadding.ZEROS;
      case "border" -> Ops.GridPadding.BORDER;
      case "reflection" -> Ops.GridPadding.REFLECTION;
      default -> throw new NotApplicableException("GridSample padding_mode=" + a.s("padding_mode", ""));
    };
    boolean alignCorners = a.i("align_corners", 0) == 1;
    return (ops, arena, t) -> ops.gridSample(t[0], t[1], mode, padding, alignCorners);
  }

  /** pads and value are attributes before opset 11, inputs (pads, constant_value) from 11 on. */
  private static Invocation pad(NodeProto node, long opset, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "mode", "pads", "value");
    Ops.PadMode mode = switch (a.s("mode", "constant")) {
      case "constant" -> Ops.PadMode.CONSTANT;
      case "reflect" -> Ops.PadMode.REFLECT;
      case "edge" -> Ops.PadMode.EDGE;
      default -> throw new NotApplicableException("Pad mode=" + a.s("mode", ""));
    };
    long[] pads;
    float value;
    if (opset < 11) {
      floats(in, 1, 1);
      pads = a.ints("pads", null);
      value = a.f("value", 0f);
    } else {
      if (in.size() > 3) {
        throw new NotApplicableException("Pad axes input");
      }
      floats(in, 2, 3, 1);
      pads = ints(in, 1);
      OnnxValue constant = optional(in, 2);
      value = constant == null ? 0f : constant.floats()[0];
    }
    if (pads == null || pads.length != 2 * in.get(0).rank()) {
      throw new IllegalArgumentException("Pad pads " + Arrays.toString(pads) + " for rank " + in.get(0).rank());
    }
    int[] p = toInts(pads);
    return (ops, arena, t) -> ops.pad(t[0], p, mode, value);
  }

  private static Invocation concat(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "axis");
    floats(in, 1, Integer.MAX_VALUE);
    int axis = (int) a.i("axis", 1);
    return (ops, arena, t) -> ops.concat(List.of(t), axis);
  }

  /**
   * starts/ends/axes are attributes before opset 10, inputs (plus steps) from 10 on. Bounds
   * beyond the int range (INT64_MAX for "to the end") are clamped to it: ONNX clamps them to
   * the dimension anyway, so the result is the same.
   */
  private static Invocation slice(NodeProto node, long opset, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "starts", "ends", "axes");
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps;
    if (opset < 10) {
      floats(in, 1, 1);
      starts = a.ints("starts", null);
      ends = a.ints("ends", null);
      axes = a.ints("axes", null);
      steps = null;
    } else {
      floats(in, 3, 5, 1, 2, 3, 4);
      starts = ints(in, 1);
      ends = ints(in, 2);
      axes = optional(in, 3) == null ? null : ints(in, 3);
      steps = optional(in, 4) == null ? null : ints(in, 4);
    }
    int n = starts.length;
    int[] s = clampToInts(starts);
    int[] e = clampToInts(ends);
    int[] ax = axes == null ? IntStream.range(0, n).toArray() : toInts(axes);
    int[] st = steps == null ? toInts(ones(n)) : clampToInts(steps);
    return (ops, arena, t) -> ops.slice(t[0], s, e, ax, st);
  }

  /** mode CRD is PyTorch's PixelShuffle; DCR (the default) orders channels the other way. */
  private static Invocation depthToSpace(NodeProto node, List<OnnxValue> in) throws NotApplicableException {
    NodeAttributes a = NodeAttributes.of(node, "blocksize", "mode");
    floats(in, 1, 1);
    String mode = a.s("mode", "DCR");
    if (!mode.equals("CRD")) {
      throw new NotApplicableException("DepthToSpace mode=" + mode + " (our pixelShuffle is CRD)");
    }
    int r = (int) a.i("blocksize", 0);
    return (ops, arena, t) -> ops.pixelShuffle(t[0], r);
  }

  // --- inputs and conversions -------------------------------------------------------------------

  /**
   * Checks the node has between {@code min} and {@code max} inputs and that every present one
   * is FLOAT, except the shape-like operands at {@code intOperands} (read by {@link #ints}).
   */
  private static void floats(List<OnnxValue> in, int min, int max, int... intOperands) throws NotApplicableException {
    if (in.size() < min || in.size() > max) {
      throw new IllegalArgumentException(in.size() + " inputs, the mapping expects " + min + ".." + max);
    }
    if (in.get(0) == null) {
      throw new IllegalArgumentException("input 0 missing");
    }
    for (int i = 0; i < in.size(); i++) {
      int index = i;
      OnnxValue v = in.get(i);
      if (v != null && !v.isFloat() && Arrays.stream(intOperands).noneMatch(k -> k == index)) {
        throw new NotApplicableException("input " + i + " is " + v.dataType() + " (we run FLOAT data)");
      }
    }
  }

  private static OnnxValue optional(List<OnnxValue> in, int i) {
    return i < in.size() ? in.get(i) : null;
  }

  private static long[] ints(List<OnnxValue> in, int i) {
    OnnxValue v = optional(in, i);
    if (v == null || v.ints() == null) {
      throw new IllegalArgumentException("input " + i + " should be INT32/INT64, is " + v);
    }
    return v.ints();
  }

  private static Tensor at(Tensor[] t, int i) {
    return i < t.length ? t[i] : null;
  }

  private static int axis(long axis, int rank) {
    return Math.toIntExact(axis < 0 ? axis + rank : axis);
  }

  private static long[] ones(int n) {
    long[] v = new long[n];
    Arrays.fill(v, 1);
    return v;
  }

  private static int[] toInts(long[] v) {
    int[] r = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = Math.toIntExact(v[i]);
    }
    return r;
  }

  private static long[] toLongs(int[] v) {
    return Arrays.stream(v).asLongStream().toArray();
  }

  private static int[] clampToInts(long[] v) {
    int[] r = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = (int) Math.clamp(v[i], Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
    return r;
  }
}
