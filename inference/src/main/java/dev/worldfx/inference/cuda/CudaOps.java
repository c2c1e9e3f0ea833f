package dev.worldfx.inference.cuda;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpKind;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.inference.cuda.CudnnConv.Direction;
import dev.worldfx.inference.ref.ConvGeometry;
import dev.worldfx.inference.ref.LinearShapes;
import dev.worldfx.inference.ref.ResizeTaps;
import dev.worldfx.inference.ref.SpatialShapes;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The GPU ops. Tensors live in host memory (the Ops contract), so each op uploads its inputs into pooled device
 * memory, runs cuDNN / cuBLAS / an NVRTC kernel on the backend's stream, and downloads its output into the arena.
 * Shapes are checked by the same shape classes the CPU kernels use; arguments those reject go to the CPU backend,
 * which throws its usual message. A case the GPU code does not cover (asymmetric convolution padding, attention with
 * broadcast batch dims) runs on the CPU and is recorded and logged once by the backend: never silently. Data-movement
 * ops (pad, concat, slice, pixel shuffle) and the grid-sample backward are not GPU ops (supports() says so).
 */
final class CudaOps implements Ops {
  private final CudaBackend backend;
  /** cuBLAS and cuDNN (null where the kernels run on an emulated device, in tests). */
  private final CudaRuntime rt;
  private final Device gpu;
  private final Arena arena;
  private final Ops cpu;

  CudaOps(CudaBackend backend, CudaRuntime rt, Device dev, Arena arena) {
    this.backend = backend;
    this.rt = rt;
    this.gpu = dev;
    this.arena = arena;
    this.cpu = new CpuOps(arena);
  }

  /** Runs {@code work} on the device and counts it as a device op of {@code kind}. */
  private Tensor device(OpKind kind, java.util.function.Function<OpScope, Tensor> work) {
    Tensor out = gpu.run(() -> {
      try (OpScope s = new OpScope(gpu)) {
        return work.apply(s);
      }
    });
    backend.countDevice(kind);
    return out;
  }

  /** A case the GPU code does not cover: the CPU computes it, and the backend records and logs that once. */
  private <T> T cpuCase(OpKind kind, String why, Supplier<T> work) {
    T out = work.get();
    backend.ranOnCpu(kind, why);
    return out;
  }

  private static boolean empty(Tensor... ts) {
    for (Tensor t : ts) {
      if (t != null && t.numel() == 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean f32(Tensor... ts) {
    for (Tensor t : ts) {
      if (t != null && t.dtype() != dev.worldfx.inference.DType.F32) {
        return false;
      }
    }
    return true;
  }

  // --- linear ------------------------------------------------------------------------------------------

  @Override
  public Tensor matmul(Tensor a, Tensor b) {
    LinearShapes.Matmul s;
    try {
      s = LinearShapes.matmul(a.shape(), b.shape());
    } catch (IllegalArgumentException e) {
      return cpu.matmul(a, b); // the CPU's message
    }
    if (!f32(a, b) || empty(a, b) || s.k() == 0 || s.batchCount() == 0) {
      return cpu.matmul(a, b); // nothing to compute, or the CPU's dtype message
    }
    return device(OpKind.MATMUL, sc -> {
      long da = sc.upload(a);
      long db = sc.upload(b);
      long count = s.batchCount();
      long dy = sc.floats(count * s.m() * s.n());
      CublasGemm.batched(gpu, s, da, db, dy);
      return sc.download(dy, arena, s.outShape());
    });
  }

  @Override
  public Tensor gemm(Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, float alpha, float beta) {
    LinearShapes.Gemm s;
    try {
      s = LinearShapes.gemm(a.shape(), b.shape(), c == null ? null : c.shape(), transA, transB);
    } catch (IllegalArgumentException e) {
      return cpu.gemm(a, b, c, transA, transB, alpha, beta);
    }
    if (!f32(a, b, c) || empty(a, b, c) || s.k() == 0) {
      return cpu.gemm(a, b, c, transA, transB, alpha, beta);
    }
    return device(OpKind.GEMM, sc -> {
      long da = sc.upload(a);
      long db = sc.upload(b);
      long dy = sc.floats((long) s.m() * s.n());
      boolean withC = c != null;
      if (withC) {
        gpu.launchElements("wfx_broadcast2d", (long) s.m() * s.n(), sc.upload(c), dy, s.m(), s.n(), s.cRowStride(),
            s.cColStride());
      }
      CublasGemm.rowMajor(gpu, transA, transB, s.m(), s.n(), s.k(), alpha, da, transA ? s.m() : s.k(), 0, db,
          transB ? s.k() : s.n(), 0, withC ? beta : 0f, dy, s.n(), 0, 1);
      return sc.download(dy, arena, s.m(), s.n());
    });
  }

  // --- convolution ----------------------------------------------------------------------------------------

  private String convCase(Conv2dParams p) {
    if (rt.cudnnHandle == null) {
      throw new CudaException(CudaStatus.Api.CUDNN, 1001, "CUDNN_STATUS_NOT_INITIALIZED", "cuDNN: " + rt.cudnnProblem);
    }
    return CudnnConv.symmetric(p) ? null : "asymmetric padding (cuDNN pads both sides alike)";
  }

  @Override
  public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    ConvGeometry g;
    try {
      g = ConvGeometry.forward(x.shape(), w.shape(), bias == null ? null : bias.shape(), p);
    } catch (IllegalArgumentException e) {
      return cpu.conv2d(x, w, bias, p);
    }
    if (!f32(x, w, bias) || empty(x, w)) {
      return cpu.conv2d(x, w, bias, p);
    }
    String why = convCase(p);
    if (why != null) {
      return cpuCase(OpKind.CONV2D, why, () -> cpu.conv2d(x, w, bias, p));
    }
    return device(OpKind.CONV2D, sc -> ConvTiling.forward(rt, backend.conv(), sc, g, x, w, bias, arena));
  }

  @Override
  public Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    ConvGeometry g;
    try {
      g = ConvGeometry.transpose(x.shape(), w.shape(), bias == null ? null : bias.shape(), p);
    } catch (IllegalArgumentException e) {
      return cpu.convTranspose2d(x, w, bias, p);
    }
    if (!f32(x, w, bias) || empty(x, w)) {
      return cpu.convTranspose2d(x, w, bias, p);
    }
    String why = convCase(p);
    if (why != null) {
      return cpuCase(OpKind.CONV_TRANSPOSE2D, why, () -> cpu.convTranspose2d(x, w, bias, p));
    }
    // the transpose is the input gradient of the forward conv g (its input [n,c,h,w] is our output)
    return device(OpKind.CONV_TRANSPOSE2D, sc -> {
      long dy = sc.upload(x);
      long dw = sc.upload(w);
      long dx = sc.floats((long) g.n() * g.c() * g.h() * g.w());
      backend.conv().run(Direction.BACKWARD_DATA, g, g.h(), g.ho(), g.p().padTop(), dx, dw, dy);
      if (bias != null) {
        backend.conv().addBias(g.n(), g.c(), g.h(), g.w(), sc.upload(bias), dx);
      }
      return sc.download(dx, arena, g.inputShape());
    });
  }

  @Override
  public Tensor conv2dBackwardInput(Tensor gradOut, Tensor w, int[] inputShape, Conv2dParams p) {
    ConvGeometry g;
    try {
      g = ConvGeometry.backwardInput(gradOut.shape(), w.shape(), inputShape, p);
    } catch (IllegalArgumentException e) {
      return cpu.conv2dBackwardInput(gradOut, w, inputShape, p);
    }
    if (!f32(gradOut, w) || empty(gradOut, w) || Tensor.numel(inputShape) == 0) {
      return cpu.conv2dBackwardInput(gradOut, w, inputShape, p);
    }
    String why = convCase(p);
    if (why != null) {
      return cpuCase(OpKind.CONV2D_BACKWARD_INPUT, why, () -> cpu.conv2dBackwardInput(gradOut, w, inputShape, p));
    }
    return device(OpKind.CONV2D_BACKWARD_INPUT, sc -> {
      long dy = sc.upload(gradOut);
      long dw = sc.upload(w);
      long dx = sc.floats(Tensor.numel(inputShape));
      backend.conv().run(Direction.BACKWARD_DATA, g, g.h(), g.ho(), g.p().padTop(), dx, dw, dy);
      return sc.download(dx, arena, inputShape);
    });
  }

  @Override
  public Tensor conv2dBackwardWeight(Tensor x, Tensor gradOut, int[] weightShape, Conv2dParams p) {
    ConvGeometry g;
    try {
      g = ConvGeometry.backwardWeight(x.shape(), gradOut.shape(), weightShape, p);
    } catch (IllegalArgumentException e) {
      return cpu.conv2dBackwardWeight(x, gradOut, weightShape, p);
    }
    if (!f32(x, gradOut) || empty(x, gradOut) || Tensor.numel(weightShape) == 0) {
      return cpu.conv2dBackwardWeight(x, gradOut, weightShape, p);
    }
    String why = convCase(p);
    if (why != null) {
      return cpuCase(OpKind.CONV2D_BACKWARD_WEIGHT, why, () -> cpu.conv2dBackwardWeight(x, gradOut, weightShape, p));
    }
    return device(OpKind.CONV2D_BACKWARD_WEIGHT, sc -> {
      long dx = sc.upload(x);
      long dy = sc.upload(gradOut);
      long dw = sc.floats(Tensor.numel(weightShape));
      backend.conv().run(Direction.BACKWARD_FILTER, g, g.h(), g.ho(), g.p().padTop(), dx, dw, dy);
      return sc.download(dw, arena, weightShape);
    });
  }

  // --- pointwise, reductions, normalisation ------------------------------------------------------------------

  @Override
  public Tensor unary(Unary op, Tensor x, float alpha) {
    if (!f32(x) || empty(x)) {
      return cpu.unary(op, x, alpha);
    }
    return device(OpKind.UNARY, sc -> {
      long dx = sc.upload(x);
      long dy = sc.floats(x.numel());
      gpu.launchElements("wfx_unary", x.numel(), dx, dy, x.numel(), op.ordinal(), alpha);
      return sc.download(dy, arena, x.shape());
    });
  }

  @Override
  public Tensor binary(Binary op, Tensor a, Tensor b) {
    int[] shape = HostBroadcast.shape(a.shape(), b.shape());
    if (shape == null || !f32(a, b) || Tensor.numel(shape) == 0) {
      return cpu.binary(op, a, b); // not broadcastable: the CPU's message; empty: nothing to compute
    }
    return device(OpKind.BINARY, sc -> {
      long n = Tensor.numel(shape);
      long[] meta = HostBroadcast.meta(shape, a.shape(), b.shape());
      long da = sc.upload(a);
      long db = sc.upload(b);
      long dy = sc.floats(n);
      gpu.launchElements("wfx_binary", n, da, db, dy, n, op.ordinal(), shape.length, sc.upload(meta));
      return sc.download(dy, arena, shape);
    });
  }

  @Override
  public Tensor reduce(Reduce op, Tensor x, int[] axes, boolean keepDims) {
    int[] shape = x.shape();
    boolean[] reduced = HostBroadcast.reducedAxes(axes, shape.length);
    if (reduced == null || !f32(x) || empty(x)) {
      return cpu.reduce(op, x, axes, keepDims);
    }
    int[] outShape = java.util.stream.IntStream.range(0, shape.length).filter(d -> keepDims || !reduced[d])
        .map(d -> reduced[d] ? 1 : shape[d]).toArray();
    long[] strides = Tensor.contiguousStrides(shape);
    int kept = 0;
    for (boolean r : reduced) {
      kept += r ? 0 : 1;
    }
    int red = shape.length - kept;
    long[] meta = new long[2 * shape.length];
    long count = 1;
    for (int d = 0, k = 0, r = 0; d < shape.length; d++) {
      if (reduced[d]) {
        meta[2 * kept + r] = shape[d];
        meta[2 * kept + red + r] = strides[d];
        count *= shape[d];
        r++;
      } else {
        meta[k] = shape[d];
        meta[kept + k] = strides[d];
        k++;
      }
    }
    long outN = Tensor.numel(outShape);
    long reduceCount = count;
    int keptRank = kept;
    return device(OpKind.REDUCE, sc -> {
      long dx = sc.upload(x);
      long dy = sc.floats(outN);
      gpu.launchRows("wfx_reduce", outN, dx, dy, outN, reduceCount, op.ordinal(), keptRank, red, sc.upload(meta));
      return sc.download(dy, arena, outShape);
    });
  }

  @Override
  public Tensor softmax(Tensor x, int axis) {
    int[] shape = x.shape();
    if (axis < -shape.length || axis >= shape.length || !f32(x) || empty(x)) {
      return cpu.softmax(x, axis);
    }
    int d = axis < 0 ? axis + shape.length : axis;
    int n = shape[d];
    long inner = Tensor.numel(Arrays.copyOfRange(shape, d + 1, shape.length));
    long rows = x.numel() / n;
    return device(OpKind.SOFTMAX, sc -> {
      long dx = sc.upload(x);
      long dy = sc.floats(x.numel());
      gpu.launchRows("wfx_softmax", rows, dx, dy, rows, n, inner);
      return sc.download(dy, arena, shape);
    });
  }

  private static boolean vector(Tensor t, int c) {
    return t != null && t.rank() == 1 && t.dim(0) == c;
  }

  @Override
  public Tensor batchNorm(Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, float eps) {
    if (x.rank() < 2 || !f32(x, scale, bias, mean, var) || empty(x)) {
      return cpu.batchNorm(x, scale, bias, mean, var, eps);
    }
    int c = x.dim(1);
    if (!vector(scale, c) || !vector(bias, c) || !vector(mean, c) || !vector(var, c)) {
      return cpu.batchNorm(x, scale, bias, mean, var, eps);
    }
    long inner = Tensor.numel(Arrays.copyOfRange(x.shape(), 2, x.rank()));
    return device(OpKind.BATCH_NORM, sc -> {
      long dx = sc.upload(x);
      long dy = sc.floats(x.numel());
      gpu.launchElements("wfx_batch_norm", x.numel(), dx, dy, x.numel(), c, inner, sc.upload(scale), sc.upload(bias),
          sc.upload(mean), sc.upload(var), eps);
      return sc.download(dy, arena, x.shape());
    });
  }

  @Override
  public Tensor groupNorm(Tensor x, int groups, Tensor scale, Tensor bias, float eps) {
    if (x.rank() < 2 || groups <= 0 || x.dim(1) % groups != 0 || !f32(x, scale, bias) || empty(x)
        || (scale != null && !vector(scale, x.dim(1))) || (bias != null && !vector(bias, x.dim(1)))) {
      return cpu.groupNorm(x, groups, scale, bias, eps);
    }
    long spatial = Tensor.numel(Arrays.copyOfRange(x.shape(), 2, x.rank()));
    long rowLen = (long) x.dim(1) / groups * spatial;
    long rows = x.numel() / rowLen;
    return device(OpKind.GROUP_NORM, sc -> {
      long dx = sc.upload(x);
      long dy = sc.floats(x.numel());
      gpu.launchRows("wfx_norm_rows", rows, dx, dy, rows, rowLen, eps, sc.uploadOrNull(scale), sc.uploadOrNull(bias), 1,
          groups, spatial);
      return sc.download(dy, arena, x.shape());
    });
  }

  @Override
  public Tensor layerNorm(Tensor x, int axis, Tensor scale, Tensor bias, float eps) {
    int[] shape = x.shape();
    if (axis < -shape.length || axis >= shape.length || !f32(x, scale, bias) || empty(x)) {
      return cpu.layerNorm(x, axis, scale, bias, eps);
    }
    int a = axis < 0 ? axis + shape.length : axis;
    int[] paramShape = shape.clone();
    Arrays.fill(paramShape, 0, a, 1);
    float[] s = scale == null ? null : HostBroadcast.expand(scale, paramShape);
    float[] b = bias == null ? null : HostBroadcast.expand(bias, paramShape);
    if ((scale != null && s == null) || (bias != null && b == null)) {
      return cpu.layerNorm(x, axis, scale, bias, eps); // not broadcastable: the CPU's message
    }
    long rowLen = Tensor.numel(paramShape);
    long rows = x.numel() / rowLen;
    return device(OpKind.LAYER_NORM, sc -> {
      long dx = sc.upload(x);
      long dy = sc.floats(x.numel());
      gpu.launchRows("wfx_norm_rows", rows, dx, dy, rows, rowLen, eps, s == null ? 0L : sc.upload(s),
          b == null ? 0L : sc.upload(b), 0, 1, 1L);
      return sc.download(dy, arena, shape);
    });
  }

  @Override
  public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor mask, float scale) {
    if (q.rank() < 2 || k.rank() < 2 || v.rank() < 2 || !f32(q, k, v, mask) || empty(q, k, v)) {
      return cpu.attention(q, k, v, mask, scale);
    }
    int lq = q.dim(-2);
    int d = q.dim(-1);
    int lk = k.dim(-2);
    int dv = v.dim(-1);
    if (k.dim(-1) != d || v.dim(-2) != lk) {
      return cpu.attention(q, k, v, mask, scale);
    }
    int[] batch = Arrays.copyOf(q.shape(), q.rank() - 2);
    if (!Arrays.equals(batch, Arrays.copyOf(k.shape(), k.rank() - 2))
        || !Arrays.equals(batch, Arrays.copyOf(v.shape(), v.rank() - 2))) {
      return cpuCase(OpKind.ATTENTION, "q, k, v with different batch dims", () -> cpu.attention(q, k, v, mask, scale));
    }
    int[] scoreShape = Arrays.copyOf(batch, batch.length + 2);
    scoreShape[batch.length] = lq;
    scoreShape[batch.length + 1] = lk;
    long[] maskMeta = mask == null ? null : HostBroadcast.meta(scoreShape, mask.shape(), mask.shape());
    if (mask != null && (maskMeta == null || !Arrays.equals(HostBroadcast.shape(scoreShape, mask.shape()), scoreShape))) {
      return cpu.attention(q, k, v, mask, scale);
    }
    float s = Float.isNaN(scale) ? (float) (1 / Math.sqrt(d)) : scale;
    long batches = Tensor.numel(batch);
    int[] outShape = scoreShape.clone();
    outShape[batch.length + 1] = dv;
    return device(OpKind.ATTENTION, sc -> {
      long dq = sc.upload(q);
      long dk = sc.upload(k);
      long dvv = sc.upload(v);
      long scores = sc.floats(batches * lq * lk);
      // scores = s * q k^T, per batch: [lq,d] x [lk,d]^T
      CublasGemm.rowMajor(gpu, false, true, lq, lk, d, s, dq, d, (long) lq * d, dk, d, (long) lk * d, 0f, scores, lk,
          (long) lq * lk, batches);
      if (mask != null) {
        long n = batches * lq * lk;
        gpu.launchElements("wfx_add_broadcast", n, scores, sc.upload(mask), n, scoreShape.length, sc.upload(
            Arrays.copyOf(maskMeta, 2 * scoreShape.length)));
      }
      gpu.launchRows("wfx_softmax", batches * lq, scores, scores, batches * lq, lk, 1L);
      long out = sc.floats(batches * lq * dv);
      CublasGemm.rowMajor(gpu, false, false, lq, dv, lk, 1f, scores, lk, (long) lq * lk, dvv, dv, (long) lk * dv, 0f, out,
          dv, (long) lq * dv, batches);
      return sc.download(out, arena, outShape);
    });
  }

  // --- spatial ---------------------------------------------------------------------------------------------

  @Override
  public Tensor resize(Tensor x, int outH, int outW, ResizeMode mode, CoordMode coord, NearestMode nearest,
                       float cubicA) {
    int[] s;
    try {
      s = SpatialShapes.resize(x, outH, outW);
    } catch (IllegalArgumentException e) {
      return cpu.resize(x, outH, outW, mode, coord, nearest, cubicA);
    }
    return resize(x, outH, outW, (double) outH / s[2], (double) outW / s[3], mode, coord, nearest, cubicA);
  }

  @Override
  public Tensor resize(Tensor x, int outH, int outW, double scaleH, double scaleW, ResizeMode mode, CoordMode coord,
                       NearestMode nearest, float cubicA) {
    int[] s;
    try {
      s = SpatialShapes.resize(x, outH, outW);
    } catch (IllegalArgumentException e) {
      return cpu.resize(x, outH, outW, scaleH, scaleW, mode, coord, nearest, cubicA);
    }
    if (!f32(x) || empty(x) || outH == 0 || outW == 0) {
      return cpu.resize(x, outH, outW, scaleH, scaleW, mode, coord, nearest, cubicA);
    }
    ResizeTaps rows = ResizeTaps.of(mode, coord, nearest, cubicA, scaleH, s[2], outH);
    ResizeTaps cols = ResizeTaps.of(mode, coord, nearest, cubicA, scaleW, s[3], outW);
    long planes = (long) s[0] * s[1];
    return device(OpKind.RESIZE, sc -> {
      long dx = sc.upload(x);
      long dy = sc.floats(planes * outH * outW);
      gpu.launchElements("wfx_resize", planes * outH * outW, dx, dy, planes, s[2], s[3], outH, outW, rows.k(),
          sc.upload(rows.index()), sc.upload(rows.weight()), sc.upload(cols.index()), sc.upload(cols.weight()),
          mode == ResizeMode.NEAREST ? 1 : 0);
      return sc.download(dy, arena, s[0], s[1], outH, outW);
    });
  }

  @Override
  public Tensor gridSample(Tensor x, Tensor grid, GridMode mode, GridPadding padding, boolean alignCorners) {
    int[] s;
    int[] gs;
    try {
      s = SpatialShapes.image(x, "gridSample");
      gs = SpatialShapes.grid(grid, s, "gridSample");
    } catch (IllegalArgumentException e) {
      return cpu.gridSample(x, grid, mode, padding, alignCorners);
    }
    if (!f32(x, grid) || empty(x, grid)) {
      return cpu.gridSample(x, grid, mode, padding, alignCorners);
    }
    int ho = gs[1];
    int wo = gs[2];
    return device(OpKind.GRID_SAMPLE, sc -> {
      long dx = sc.upload(x);
      long dg = sc.upload(grid);
      long dy = sc.floats((long) s[0] * s[1] * ho * wo);
      gpu.launchElements("wfx_grid_sample", (long) s[0] * ho * wo, dx, dg, dy, s[0], s[1], s[2], s[3], ho, wo,
          mode.ordinal(), padding.ordinal(), alignCorners ? 1 : 0);
      return sc.download(dy, arena, s[0], s[1], ho, wo);
    });
  }

  @Override
  public Tensor warp(Tensor x, Tensor flow, GridPadding padding) {
    int[] s;
    try {
      s = SpatialShapes.image(x, "warp");
      SpatialShapes.flow(flow, s);
    } catch (IllegalArgumentException e) {
      return cpu.warp(x, flow, padding);
    }
    if (!f32(x, flow) || empty(x)) {
      return cpu.warp(x, flow, padding);
    }
    return device(OpKind.WARP, sc -> {
      long dx = sc.upload(x);
      long df = sc.upload(flow);
      long dy = sc.floats(x.numel());
      gpu.launchElements("wfx_warp", (long) s[0] * s[2] * s[3], dx, df, dy, s[0], s[1], s[2], s[3], padding.ordinal());
      return sc.download(dy, arena, s);
    });
  }

  // --- not GPU ops (CudaBackend.supports says so; the dispatcher never sends them here) ---------------------

  @Override
  public Tensor pixelShuffle(Tensor x, int r) {
    return cpu.pixelShuffle(x, r);
  }

  @Override
  public Tensor pad(Tensor x, int[] pads, PadMode mode, float value) {
    return cpu.pad(x, pads, mode, value);
  }

  @Override
  public Tensor concat(List<Tensor> xs, int axis) {
    return cpu.concat(xs, axis);
  }

  @Override
  public Tensor slice(Tensor x, int[] starts, int[] ends, int[] axes, int[] steps) {
    return cpu.slice(x, starts, ends, axes, steps);
  }

  @Override
  public Tensor[] gridSampleBackward(Tensor gradOut, Tensor x, Tensor grid, GridPadding padding, boolean alignCorners) {
    return cpu.gridSampleBackward(gradOut, x, grid, padding, alignCorners);
  }
}
