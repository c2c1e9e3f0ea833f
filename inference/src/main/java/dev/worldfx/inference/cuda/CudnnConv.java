package dev.worldfx.inference.cuda;

import static dev.worldfx.inference.cuda.CudaStatus.check;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.cuda.CudaStatus.Api;
import dev.worldfx.inference.ref.ConvGeometry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdDataAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdFilterAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * The three cuDNN convolutions on device buffers, described by the forward geometry (ConvGeometry: input [n,c,h,w],
 * weight [o,c/g,kh,kw], output [n,o,ho,wo]). The algorithm of each (direction, shape, math) is chosen once by
 * cudnnFind*AlgorithmEx (measured on this device, fastest whose workspace fits the bound) and cached; if Find fails
 * the heuristic (Get*_v7) picks. Math: FMA only (no TF32) unless TF32 was opted in.
 */
// cuDNN 9 marks its descriptor-based convolution API deprecated in favour of the graph API; 9.x still ships it.
@SuppressWarnings("deprecation")
final class CudnnConv {
  enum Direction { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

  /**
   * The chosen algorithm, its workspace, cudnnFind's time for it, and the fastest algorithm Find measured at all
   * (deterministic or not) with its time; times NaN when the heuristic chose.
   */
  record Choice(int algo, long workspaceBytes, float findMillis, int bestAlgo, float bestMillis) {}

  private final CudaRuntime rt;
  private final Map<String, Choice> cache = new ConcurrentHashMap<>();

  CudnnConv(CudaRuntime rt) {
    this.rt = rt;
  }

  /** cuDNN takes one pad per axis: asymmetric pads are not its case. */
  static boolean symmetric(Conv2dParams p) {
    return p.padTop() == p.padBottom() && p.padLeft() == p.padRight();
  }

  /** The algorithm chosen for this direction and geometry, if one was chosen in this process (for the benchmark). */
  Choice chosen(Direction d, ConvGeometry g, int h, int padH) {
    return cache.get(key(d, g, h, padH));
  }

  private String key(Direction d, ConvGeometry g, int h, int padH) {
    Conv2dParams p = g.p();
    return d + " " + g.n() + "," + g.c() + "," + h + "," + g.w() + " " + g.o() + "," + g.kh() + "," + g.kw() + " s"
        + p.strideH() + "," + p.strideW() + " p" + padH + "," + p.padLeft() + " d" + p.dilationH() + ","
        + p.dilationW() + " g" + p.groups() + (rt.tf32() ? " tf32" : "");
  }

  /** Descriptors of one geometry; closes them all. {@code h} and {@code ho} may be a band's, with padH its pad. */
  private final class Descriptors implements AutoCloseable {
    final cudnnTensorStruct x = new cudnnTensorStruct();
    final cudnnTensorStruct y = new cudnnTensorStruct();
    final cudnnFilterStruct w = new cudnnFilterStruct();
    final cudnnConvolutionStruct conv = new cudnnConvolutionStruct();
    private int made;

    Descriptors(ConvGeometry g, int h, int ho, int padH) {
      try {
        describe(g, h, ho, padH);
      } catch (CudaException e) {
        close();
        throw e;
      }
    }

    private void describe(ConvGeometry g, int h, int ho, int padH) {
      Conv2dParams p = g.p();
      check(Api.CUDNN, cudnn.cudnnCreateTensorDescriptor(x), "cudnnCreateTensorDescriptor");
      made = 1;
      check(Api.CUDNN, cudnn.cudnnCreateTensorDescriptor(y), "cudnnCreateTensorDescriptor");
      made = 2;
      check(Api.CUDNN, cudnn.cudnnCreateFilterDescriptor(w), "cudnnCreateFilterDescriptor");
      made = 3;
      check(Api.CUDNN, cudnn.cudnnCreateConvolutionDescriptor(conv), "cudnnCreateConvolutionDescriptor");
      made = 4;
      check(Api.CUDNN, cudnn.cudnnSetTensor4dDescriptor(x, cudnn.CUDNN_TENSOR_NCHW, cudnn.CUDNN_DATA_FLOAT, g.n(), g.c(),
          h, g.w()), "cudnnSetTensor4dDescriptor(x)");
      check(Api.CUDNN, cudnn.cudnnSetTensor4dDescriptor(y, cudnn.CUDNN_TENSOR_NCHW, cudnn.CUDNN_DATA_FLOAT, g.n(), g.o(),
          ho, g.wo()), "cudnnSetTensor4dDescriptor(y)");
      check(Api.CUDNN, cudnn.cudnnSetFilter4dDescriptor(w, cudnn.CUDNN_DATA_FLOAT, cudnn.CUDNN_TENSOR_NCHW, g.o(),
          g.cg(), g.kh(), g.kw()), "cudnnSetFilter4dDescriptor");
      check(Api.CUDNN, cudnn.cudnnSetConvolution2dDescriptor(conv, padH, p.padLeft(), p.strideH(), p.strideW(),
          p.dilationH(), p.dilationW(), cudnn.CUDNN_CROSS_CORRELATION, cudnn.CUDNN_DATA_FLOAT),
          "cudnnSetConvolution2dDescriptor");
      check(Api.CUDNN, cudnn.cudnnSetConvolutionGroupCount(conv, p.groups()), "cudnnSetConvolutionGroupCount");
      check(Api.CUDNN, cudnn.cudnnSetConvolutionMathType(conv, rt.tf32() ? cudnn.CUDNN_TENSOR_OP_MATH
          : cudnn.CUDNN_FMA_MATH), "cudnnSetConvolutionMathType");
    }

    @Override
    public void close() {
      if (made > 3) {
        cudnn.cudnnDestroyConvolutionDescriptor(conv);
      }
      if (made > 2) {
        cudnn.cudnnDestroyFilterDescriptor(w);
      }
      if (made > 1) {
        cudnn.cudnnDestroyTensorDescriptor(y);
      }
      if (made > 0) {
        cudnn.cudnnDestroyTensorDescriptor(x);
      }
    }
  }

  /**
   * Runs one direction. Forward: x, w to y. Backward data: w, y (the output gradient) to x. Backward filter: x, y to
   * w. {@code h}/{@code ho}/{@code padH}: the whole image's, or one band's (ConvTiling).
   */
  void run(Direction d, ConvGeometry g, int h, int ho, int padH, long x, long w, long y) {
    try (Descriptors desc = new Descriptors(g, h, ho, padH); OpScope scope = new OpScope(rt.asDevice)) {
      String key = key(d, g, h, padH);
      Choice c = cache.get(key);
      if (c == null) {
        c = choose(d, desc, x, w, y, scope);
        cache.put(key, c);
      }
      long ws = c.workspaceBytes() > 0 ? scope.allocate(c.workspaceBytes()) : 0L;
      FloatPointer one = new FloatPointer(1f);
      FloatPointer zero = new FloatPointer(0f);
      DevicePointer wsp = new DevicePointer(ws);
      int status = switch (d) {
        case FORWARD -> cudnn.cudnnConvolutionForward(rt.cudnnHandle, one, desc.x, new DevicePointer(x), desc.w,
            new DevicePointer(w), desc.conv, c.algo(), wsp, c.workspaceBytes(), zero, desc.y, new DevicePointer(y));
        case BACKWARD_DATA -> cudnn.cudnnConvolutionBackwardData(rt.cudnnHandle, one, desc.w, new DevicePointer(w),
            desc.y, new DevicePointer(y), desc.conv, c.algo(), wsp, c.workspaceBytes(), zero, desc.x,
            new DevicePointer(x));
        case BACKWARD_FILTER -> cudnn.cudnnConvolutionBackwardFilter(rt.cudnnHandle, one, desc.x, new DevicePointer(x),
            desc.y, new DevicePointer(y), desc.conv, c.algo(), wsp, c.workspaceBytes(), zero, desc.w,
            new DevicePointer(w));
      };
      check(Api.CUDNN, status, "cudnnConvolution" + switch (d) {
        case FORWARD -> "Forward";
        case BACKWARD_DATA -> "BackwardData";
        case BACKWARD_FILTER -> "BackwardFilter";
      } + "(algo " + c.algo() + ")");
    }
  }

  /** y[n,o,:,:] += bias[o] (cudnnAddTensor with bias as [1,o,1,1]). */
  void addBias(int n, int o, int ho, int wo, long bias, long y) {
    cudnnTensorStruct b = new cudnnTensorStruct();
    cudnnTensorStruct out = new cudnnTensorStruct();
    check(Api.CUDNN, cudnn.cudnnCreateTensorDescriptor(b), "cudnnCreateTensorDescriptor");
    try {
      check(Api.CUDNN, cudnn.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor");
      try {
        check(Api.CUDNN, cudnn.cudnnSetTensor4dDescriptor(b, cudnn.CUDNN_TENSOR_NCHW, cudnn.CUDNN_DATA_FLOAT, 1, o, 1, 1),
            "cudnnSetTensor4dDescriptor(bias)");
        check(Api.CUDNN, cudnn.cudnnSetTensor4dDescriptor(out, cudnn.CUDNN_TENSOR_NCHW, cudnn.CUDNN_DATA_FLOAT, n, o, ho,
            wo), "cudnnSetTensor4dDescriptor(y)");
        check(Api.CUDNN, cudnn.cudnnAddTensor(rt.cudnnHandle, new FloatPointer(1f), b, new DevicePointer(bias),
            new FloatPointer(1f), out, new DevicePointer(y)), "cudnnAddTensor(bias)");
      } finally {
        cudnn.cudnnDestroyTensorDescriptor(out);
      }
    } finally {
      cudnn.cudnnDestroyTensorDescriptor(b);
    }
  }

  /** One row of cudnnFind's (or the heuristic's) answer. */
  private record Candidate(int algo, int status, float millis, long memory, boolean deterministic) {}

  /**
   * cudnnFind*Ex on the op's own buffers (it writes the output, which the real run then overwrites) with a workspace
   * of at most the bound; the fastest successful deterministic result that fits (same inputs, same pixels), else the
   * fastest that fits. Falls back to the Get*_v7 heuristic when Find itself fails (its workspace did not fit, say).
   */
  private Choice choose(Direction d, Descriptors desc, long x, long w, long y, OpScope scope) {
    long bound = rt.workspaceLimitBytes;
    long ws;
    try {
      ws = scope.allocate(bound);
    } catch (CudaException e) {
      if (!e.outOfMemory()) {
        throw e;
      }
      bound = 0;
      ws = 0;
    }
    int requested = 8;
    IntPointer returned = new IntPointer(1);
    java.util.List<Candidate> found = new java.util.ArrayList<>();
    boolean measured;
    switch (d) {
      case FORWARD -> {
        cudnnConvolutionFwdAlgoPerf_t perf = new cudnnConvolutionFwdAlgoPerf_t(requested);
        measured = cudnn.cudnnFindConvolutionForwardAlgorithmEx(rt.cudnnHandle, desc.x, new DevicePointer(x), desc.w,
            new DevicePointer(w), desc.conv, desc.y, new DevicePointer(y), requested, returned, perf,
            new DevicePointer(ws), bound) == 0;
        if (!measured) {
          check(Api.CUDNN, cudnn.cudnnGetConvolutionForwardAlgorithm_v7(rt.cudnnHandle, desc.x, desc.w, desc.conv, desc.y,
              requested, returned, perf), "cudnnGetConvolutionForwardAlgorithm_v7");
        }
        for (int i = 0; i < returned.get(); i++) {
          cudnnConvolutionFwdAlgoPerf_t r = perf.getPointer(i);
          found.add(new Candidate(r.algo(), r.status(), r.time(), r.memory(),
              r.determinism() == cudnn.CUDNN_DETERMINISTIC));
        }
      }
      case BACKWARD_DATA -> {
        cudnnConvolutionBwdDataAlgoPerf_t perf = new cudnnConvolutionBwdDataAlgoPerf_t(requested);
        measured = cudnn.cudnnFindConvolutionBackwardDataAlgorithmEx(rt.cudnnHandle, desc.w, new DevicePointer(w),
            desc.y, new DevicePointer(y), desc.conv, desc.x, new DevicePointer(x), requested, returned, perf,
            new DevicePointer(ws), bound) == 0;
        if (!measured) {
          check(Api.CUDNN, cudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(rt.cudnnHandle, desc.w, desc.y, desc.conv,
              desc.x, requested, returned, perf), "cudnnGetConvolutionBackwardDataAlgorithm_v7");
        }
        for (int i = 0; i < returned.get(); i++) {
          cudnnConvolutionBwdDataAlgoPerf_t r = perf.getPointer(i);
          found.add(new Candidate(r.algo(), r.status(), r.time(), r.memory(),
              r.determinism() == cudnn.CUDNN_DETERMINISTIC));
        }
      }
      case BACKWARD_FILTER -> {
        cudnnConvolutionBwdFilterAlgoPerf_t perf = new cudnnConvolutionBwdFilterAlgoPerf_t(requested);
        measured = cudnn.cudnnFindConvolutionBackwardFilterAlgorithmEx(rt.cudnnHandle, desc.x, new DevicePointer(x),
            desc.y, new DevicePointer(y), desc.conv, desc.w, new DevicePointer(w), requested, returned, perf,
            new DevicePointer(ws), bound) == 0;
        if (!measured) {
          check(Api.CUDNN, cudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(rt.cudnnHandle, desc.x, desc.y, desc.conv,
              desc.w, requested, returned, perf), "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
        }
        for (int i = 0; i < returned.get(); i++) {
          cudnnConvolutionBwdFilterAlgoPerf_t r = perf.getPointer(i);
          found.add(new Candidate(r.algo(), r.status(), r.time(), r.memory(),
              r.determinism() == cudnn.CUDNN_DETERMINISTIC));
        }
      }
      default -> throw new IllegalStateException(d.toString());
    }
    long fits = bound;
    // both lists come sorted fastest first
    Candidate best = found.stream().filter(c -> c.status() == 0 && c.memory() <= fits).findFirst().orElse(null);
    for (boolean mustBeDeterministic : new boolean[] {true, false}) {
      for (Candidate c : found) {
        if (c.status() == 0 && c.memory() <= fits && (c.deterministic() || !mustBeDeterministic)) {
          return new Choice(c.algo(), c.memory(), measured ? c.millis() : Float.NaN, best.algo(),
              measured ? best.millis() : Float.NaN);
        }
      }
    }
    throw new CudaException(Api.CUDNN, 3000, "CUDNN_STATUS_NOT_SUPPORTED",
        "no cuDNN " + d + " algorithm fits a workspace of " + (bound >> 20) + " MiB");
  }
}
