package dev.worldfx.benchmarks;

import dev.worldfx.inference.Backends;
import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cuda.CudaBackend;
import dev.worldfx.inference.cuda.CudaRuntime;
import dev.worldfx.inference.cuda.DeviceTimings;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/**
 * `worldfx bench kernels --backend cuda`: our GPU ops against the libraries' own best measured in the same run, one
 * line per case: conv2d 3x3 64->64 at 1920x1080 vs cudnnFind's fastest algorithm, gemm 4096^3 in FP32 and TF32 vs
 * cublasGemmEx's best algorithm, bilinear grid-sample of a 3840x2160 RGB frame vs cuDNN's spatial-transformer
 * sampler. Device times (CUDA events, medians); the op as the nodes call it (host tensors in and out, so with the
 * PCIe transfers) is printed beside it. Exit 5 when there is no usable GPU.
 */
public final class CudaKernelBench {
  private static final int NO_GPU = 5;
  private static final int REPS = 9;

  private CudaKernelBench() {}

  public static void main(String[] args) {
    CudaRuntime.Availability a = CudaRuntime.shared();
    if (a.runtime().isEmpty()) {
      System.err.println("worldfx: no CUDA device: " + a.reason());
      System.exit(NO_GPU);
    }
    CudaBackend backend = new CudaBackend(a.runtime().get());
    DeviceTimings timings = new DeviceTimings(backend);
    System.out.println("# " + a.runtime().get().describe() + "; device times are medians of " + REPS
        + " runs (CUDA events); 'op' is the whole Ops call with host transfers (wall clock)");
    report("conv2d 3x3 64->64 1920x1080", timings.convForward(1, 64, 1080, 1920, 64, 3, REPS),
        2.0 * 1920 * 1080 * 64 * 64 * 9, opMillis(backend, "conv"));
    report("gemm 4096^3 fp32", timings.gemm(4096, 4096, 4096, false, REPS), 2.0 * 4096 * 4096 * 4096,
        opMillis(backend, "gemm"));
    report("gemm 4096^3 tf32", timings.gemm(4096, 4096, 4096, true, REPS), 2.0 * 4096 * 4096 * 4096, Double.NaN);
    report("grid-sample bilinear 3x3840x2160", timings.gridSample(3, 2160, 3840, REPS), Double.NaN,
        opMillis(backend, "gridsample"));
    System.out.println("# device ops counted: " + backend.deviceOpCounts() + "; ran on the CPU instead: "
        + backend.cpuCases() + "; fallbacks: " + Backends.fallbacks());
  }

  private static void report(String name, DeviceTimings.Pair p, double flops, double opMillis) {
    System.out.printf("%-34s ours %8.3f ms  %-60s %8.3f ms  ratio=%.2f%s%s%n", name, p.oursMillis(), p.reference(),
        p.referenceMillis(), p.ratio(), Double.isNaN(flops) ? "" : String.format("  (%.1f TFLOP/s)",
            flops / p.oursMillis() / 1e9), Double.isNaN(opMillis) ? "" : String.format("  op %.1f ms", opMillis));
  }

  /** Median wall time of the whole Ops call (upload, device, download) as a node makes it. */
  private static double opMillis(CudaBackend backend, String which) {
    try (Arena arena = Arena.ofShared()) {
      Ops ops = backend.ops(arena);
      SplittableRandom r = new SplittableRandom(7);
      Runnable call = switch (which) {
        case "conv" -> {
          Tensor x = random(arena, r, 1, 64, 1080, 1920);
          Tensor w = random(arena, r, 64, 64, 3, 3);
          yield () -> ops.conv2d(x, w, null, Conv2dParams.of(1, 1));
        }
        case "gemm" -> {
          Tensor a = random(arena, r, 4096, 4096);
          Tensor b = random(arena, r, 4096, 4096);
          yield () -> ops.matmul(a, b);
        }
        default -> {
          Tensor x = random(arena, r, 1, 3, 2160, 3840);
          Tensor g = random(arena, r, 1, 2160, 3840, 2);
          yield () -> ops.gridSample(x, g, Ops.GridMode.BILINEAR, Ops.GridPadding.ZEROS, true);
        }
      };
      long before = backend.deviceOpCounts().values().stream().mapToLong(Long::longValue).sum();
      double[] t = new double[3];
      for (int i = 0; i < t.length; i++) {
        long s = System.nanoTime();
        call.run();
        t[i] = (System.nanoTime() - s) / 1e6;
      }
      long after = backend.deviceOpCounts().values().stream().mapToLong(Long::longValue).sum();
      if (after - before != t.length) {
        throw new IllegalStateException(which + ": " + (after - before) + " of " + t.length + " calls ran on the GPU");
      }
      java.util.Arrays.sort(t);
      return t[1];
    }
  }

  private static Tensor random(Arena arena, SplittableRandom r, int... shape) {
    float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return Tensor.of(arena, v, shape);
  }
}
