package dev.worldfx.inference.cuda;

import dev.worldfx.inference.Backend;
import dev.worldfx.inference.OpKind;
import dev.worldfx.inference.Ops;
import java.lang.foreign.Arena;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * The CUDA backend over one device (CudaRuntime). It counts, per op kind, the ops that really ran on the device, and
 * records the cases it handed to the CPU itself (with one log line each), so neither a user nor a parity test can
 * mistake CPU results for GPU ones. Ops it does not support (data movement, grid-sample backward) are never sent to it.
 */
public final class CudaBackend implements Backend {
  private static final Logger LOG = Logger.getLogger(CudaBackend.class.getName());

  /** What runs on the device: cuDNN convolutions, cuBLAS GEMMs, NVRTC kernels for the rest. */
  public static final Set<OpKind> DEVICE_OPS = EnumSet.of(OpKind.MATMUL, OpKind.GEMM, OpKind.CONV2D,
      OpKind.CONV_TRANSPOSE2D, OpKind.CONV2D_BACKWARD_INPUT, OpKind.CONV2D_BACKWARD_WEIGHT, OpKind.UNARY, OpKind.BINARY,
      OpKind.REDUCE, OpKind.SOFTMAX, OpKind.BATCH_NORM, OpKind.GROUP_NORM, OpKind.LAYER_NORM, OpKind.ATTENTION,
      OpKind.RESIZE, OpKind.GRID_SAMPLE, OpKind.WARP);

  private final CudaRuntime rt;
  private final Device device;
  private final CudnnConv conv;
  private final Map<OpKind, LongAdder> deviceOps = new ConcurrentHashMap<>();
  private final Map<OpKind, String> cpuCases = new ConcurrentHashMap<>();

  public CudaBackend(CudaRuntime rt) {
    this(rt, rt.asDevice, rt.cudnnHandle == null ? null : new CudnnConv(rt));
  }

  /** Over another device (tests: the host emulation of the kernels, with no cuBLAS or cuDNN). */
  CudaBackend(CudaRuntime rt, Device device, CudnnConv conv) {
    this.rt = rt;
    this.device = device;
    this.conv = conv;
  }

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public boolean supports(OpKind op) {
    return DEVICE_OPS.contains(op);
  }

  @Override
  public Ops ops(Arena arena) {
    return new CudaOps(this, rt, device, arena);
  }

  public CudaRuntime runtime() {
    return rt;
  }

  CudnnConv conv() {
    return conv;
  }

  void countDevice(OpKind kind) {
    deviceOps.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  void ranOnCpu(OpKind kind, String why) {
    if (cpuCases.putIfAbsent(kind, why) == null) {
      LOG.warning(kind + " ran on the CPU, not on the GPU " + device.describe() + ": " + why);
    }
  }

  /** How many ops of {@code kind} ran on the device so far. */
  public long deviceOps(OpKind kind) {
    LongAdder a = deviceOps.get(kind);
    return a == null ? 0 : a.sum();
  }

  public Map<OpKind, Long> deviceOpCounts() {
    Map<OpKind, Long> m = new EnumMap<>(OpKind.class);
    deviceOps.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** Cases this backend ran on the CPU itself, with why (first reason per op kind). */
  public Map<OpKind, String> cpuCases() {
    return Map.copyOf(cpuCases);
  }
}
