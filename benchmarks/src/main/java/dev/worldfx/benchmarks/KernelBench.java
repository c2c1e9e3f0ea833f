package dev.worldfx.benchmarks;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/** Entry point of `worldfx bench kernels` (work in progress: gemm only). */
public final class KernelBench {
  private static final int THREADS = Runtime.getRuntime().availableProcessors();

  private KernelBench() {}

  public static void main(String[] args) {
    openblas.blas_set_num_threads(THREADS);
    for (int s : Arrays.stream(System.getProperty("sizes", "512,1024,2048").split(",")).mapToInt(Integer::parseInt).toArray()) {
      gemm(s);
    }
  }

  static void gemm(int s) {
    float[] av = random(s * s, 1);
    float[] bv = random(s * s, 2);
    double flop = 2.0 * s * s * s;
    FloatPointer pa = new FloatPointer(av);
    FloatPointer pb = new FloatPointer(bv);
    FloatPointer pc = new FloatPointer((long) s * s);
    double[] t;
    try (Arena inputs = Arena.ofShared()) {
      Tensor a = Tensor.of(inputs, av, s, s);
      Tensor b = Tensor.of(inputs, bv, s, s);
      t = medians(reps(s), () -> timed(ops -> ops.gemm(a, b, null, false, false, 1f, 0f)), () -> {
        long t0 = System.nanoTime();
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, s, s, s, 1f, pa, s, pb,
            s, 0f, pc, s);
        return (System.nanoTime() - t0) * 1e-9;
      });
    }
    double ours = t[0];
    double ref = t[1];
    System.out.printf("gemm %dx%dx%d f32 worldfx=%.1f GFLOP/s openblas=%.1f GFLOP/s ratio=%.2f%n", s, s, s,
        flop / ours * 1e-9, flop / ref * 1e-9, ref / ours);
  }

  private static int reps(int s) {
    return s >= 2048 ? 7 : 21;
  }

  private static double timed(Function<Ops, Tensor> op) {
    try (Arena arena = Arena.ofShared()) {
      Ops ops = new CpuOps(arena);
      long t0 = System.nanoTime();
      op.apply(ops);
      return (System.nanoTime() - t0) * 1e-9;
    }
  }

  /**
   * Warms both up, then times them alternately (so a change in the machine's load hits both alike)
   * and returns the median seconds of each.
   */
  private static double[] medians(int n, DoubleSupplier ours, DoubleSupplier ref) {
    long warmEnd = System.nanoTime() + 1_500_000_000L;
    for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
      ours.getAsDouble();
      ref.getAsDouble();
    }
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = ours.getAsDouble();
      b[i] = ref.getAsDouble();
    }
    Arrays.sort(a);
    Arrays.sort(b);
    return new double[] {a[n / 2], b[n / 2]};
  }

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return v;
  }
}
