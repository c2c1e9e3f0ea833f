package dev.worldfx.benchmarks;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * `worldfx bench kernels`: our CPU kernels against a reference measured in the same run, one line per
 * case with both figures and their ratio: medians of runs timed in alternating blocks (see medians).
 * Our figures include allocating and
 * zeroing the output tensor, which is part of every op (from an arena recycled between runs, as a render
 * loop keeps one); OpenBLAS writes into a buffer allocated once.
 * Arguments name the cases to run (gemm, conv3x3, conv1x1, gridsample, pipeline4k); none runs all.
 */
public final class KernelBench {
  private static final int THREADS = Runtime.getRuntime().availableProcessors();
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private KernelBench() {}

  public static void main(String[] args) {
    openblas.blas_set_num_threads(THREADS); // JavaCPP's wrapper of openblas_set_num_threads
    System.out.printf("# load average %s%n", loadAverage());
    System.out.printf("# %d threads for both: worldfx on its pool threads + the caller, OpenBLAS %s via "
        + "openblas_set_num_threads(%d) (now %d); vectors %s%n", THREADS, openblasCore(), THREADS, openblasThreads(),
        FloatVector.SPECIES_PREFERRED);
    java.util.List<String> only = Arrays.asList(args); // case names to run (gemm, conv3x3, ...); none = all
    java.util.function.Predicate<String> wanted = name -> only.isEmpty() || only.contains(name);
    if (wanted.test("gemm")) {
      for (int s : new int[] {512, 1024, 2048}) {
        gemm(s);
      }
    }
    if (wanted.test("conv3x3")) {
      conv3x3();
    }
    if (wanted.test("conv1x1")) {
      conv1x1();
    }
    if (wanted.test("gridsample")) {
      gridSample();
    }
    if (wanted.test("pipeline4k")) {
      pipeline4k();
    }
    System.out.printf("# load average %s (other programs on this machine slow both sides; compare ratios)%n",
        loadAverage());
  }

  // --- gemm ---------------------------------------------------------------------------------

  static void gemm(int s) {
    float[] av = random(s * s, 1);
    float[] bv = random(s * s, 2);
    FloatPointer pa = new FloatPointer(av);
    FloatPointer pb = new FloatPointer(bv);
    FloatPointer pc = new FloatPointer((long) s * s);
    double[] t;
    try (Arena inputs = Arena.ofShared()) {
      Tensor a = Tensor.of(inputs, av, s, s);
      Tensor b = Tensor.of(inputs, bv, s, s);
      t = medians(s >= 2048 ? 7 : 21, () -> timed(ops -> ops.gemm(a, b, null, false, false, 1f, 0f)),
          () -> seconds(() -> sgemm(s, s, s, pa, pb, pc)));
    }
    double gflop = 2.0 * s * s * s * 1e-9;
    System.out.printf("gemm %dx%dx%d f32 worldfx=%.1f GFLOP/s openblas=%.1f GFLOP/s ratio=%.2f%s%n", s, s, s,
        gflop / t[0], gflop / t[1], t[1] / t[0], best(t, gflop, "GFLOP/s"));
  }

  /** Row-major C[m,n] = A[m,k] * B[k,n]. */
  private static void sgemm(int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
    openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, m, n, k, 1f, a, k, b, n,
        0f, c, n);
  }

  // --- conv2d ---------------------------------------------------------------------------------

  private static final int CONV_C = 64;
  private static final int CONV_HW = 256;

  /**
   * 3x3, 64 -> 64, 256x256, pad 1. Reference: OpenBLAS im2col + sgemm (oneDNN is not used). Its im2col
   * is row copies into a preallocated buffer, split over the same threads; the figure counts both steps.
   */
  static void conv3x3() {
    int c = CONV_C;
    int hw = CONV_HW;
    int kk = c * 9;
    int pix = hw * hw;
    float[] xv = random(c * pix, 3);
    float[] wv = random(c * kk, 4);
    FloatPointer px = new FloatPointer(xv);
    FloatPointer pw = new FloatPointer(wv);
    FloatPointer cols = new FloatPointer((long) kk * pix);
    FloatPointer py = new FloatPointer((long) c * pix);
    MemorySegment xs = segment(px, (long) c * pix);
    MemorySegment colSeg = segment(cols, (long) kk * pix);
    double[] t;
    double[] im2colSeconds = new double[1];
    try (Arena inputs = Arena.ofShared()) {
      Tensor x = Tensor.of(inputs, xv, 1, c, hw, hw);
      Tensor w = Tensor.of(inputs, wv, c, c, 3, 3);
      t = medians(9, () -> timed(ops -> ops.conv2d(x, w, null, Conv2dParams.of(1, 1))), () -> {
        long t0 = System.nanoTime();
        im2col3x3(xs, c, hw, colSeg);
        long t1 = System.nanoTime();
        sgemm(c, pix, kk, pw, cols, py);
        im2colSeconds[0] = (t1 - t0) * 1e-9;
        return (System.nanoTime() - t0) * 1e-9;
      });
    }
    double gflop = 2.0 * c * kk * pix * 1e-9;
    System.out.printf("conv2d 3x3 %d->%d %dx%d n=1 pad=1 f32 worldfx=%.1f GFLOP/s openblas-im2col+sgemm=%.1f GFLOP/s "
        + "ratio=%.2f%s (reference: Java im2col on %d threads, last %.1f ms, + cblas_sgemm; oneDNN not used)%n", c, c, hw,
        hw, gflop / t[0], gflop / t[1], t[1] / t[0], best(t, gflop, "GFLOP/s"), THREADS, im2colSeconds[0] * 1e3);
  }

  /** cols [C*9, H*W] of a 3x3 pad-1 conv, a row of cols (one channel and tap) per task. */
  private static void im2col3x3(MemorySegment x, int c, int hw, MemorySegment cols) {
    long pix = (long) hw * hw;
    IntStream.range(0, c * 9).parallel().forEach(r -> {
      int ch = r / 9;
      int dy = r % 9 / 3 - 1;
      int dx = r % 3 - 1;
      long dst = r * pix;
      for (int oy = 0; oy < hw; oy++) {
        int iy = oy + dy;
        long rowDst = (dst + (long) oy * hw) * 4;
        if (iy < 0 || iy >= hw) {
          cols.asSlice(rowDst, hw * 4L).fill((byte) 0);
          continue;
        }
        int lo = Math.max(0, -dx);
        int hi = Math.min(hw, hw - dx);
        MemorySegment.copy(x, ((ch * pix) + (long) iy * hw + lo + dx) * 4, cols, rowDst + lo * 4L, (hi - lo) * 4L);
        if (lo > 0) {
          cols.set(F32, rowDst, 0f);
        }
        if (hi < hw) {
          cols.set(F32, rowDst + (hw - 1) * 4L, 0f);
        }
      }
    });
  }

  /** 1x1, 64 -> 64, 256x256: the image is the GEMM's B as it is, so the reference is one sgemm. */
  static void conv1x1() {
    int c = CONV_C;
    int pix = CONV_HW * CONV_HW;
    float[] xv = random(c * pix, 5);
    float[] wv = random(c * c, 6);
    FloatPointer px = new FloatPointer(xv);
    FloatPointer pw = new FloatPointer(wv);
    FloatPointer py = new FloatPointer((long) c * pix);
    double[] t;
    try (Arena inputs = Arena.ofShared()) {
      Tensor x = Tensor.of(inputs, xv, 1, c, CONV_HW, CONV_HW);
      Tensor w = Tensor.of(inputs, wv, c, c, 1, 1);
      t = medians(21, () -> timed(ops -> ops.conv2d(x, w, null, Conv2dParams.of(1, 0))),
          () -> seconds(() -> sgemm(c, pix, c, pw, px, py)));
    }
    double gflop = 2.0 * c * c * pix * 1e-9;
    System.out.printf("conv2d 1x1 %d->%d %dx%d n=1 f32 worldfx=%.1f GFLOP/s openblas-sgemm=%.1f GFLOP/s ratio=%.2f%s%n",
        c, c, CONV_HW, CONV_HW, gflop / t[0], gflop / t[1], t[1] / t[0], best(t, gflop, "GFLOP/s"));
  }

  // --- grid sample --------------------------------------------------------------------------------

  /** Bilinear, zeros padding, a 3-channel 1920x1080 frame resampled by a smooth swirl. */
  static void gridSample() {
    int h = 1080;
    int w = 1920;
    try (Arena inputs = Arena.ofShared()) {
      Tensor x = Tensor.of(inputs, random(3 * h * w, 7), 1, 3, h, w);
      Tensor grid = Tensor.zeros(inputs, 1, h, w, 2);
      for (int y = 0; y < h; y++) {
        for (int i = 0; i < w; i++) {
          double gx = 2.0 * i / (w - 1) - 1;
          double gy = 2.0 * y / (h - 1) - 1;
          grid.set((float) (gx + 0.03 * Math.sin(6 * gy)), 0, y, i, 0);
          grid.set((float) (gy + 0.03 * Math.cos(6 * gx)), 0, y, i, 1);
        }
      }
      Function<Ops, Tensor> op = ops -> ops.gridSample(x, grid, Ops.GridMode.BILINEAR, Ops.GridPadding.ZEROS, false);
      Ops reference = new ReferenceOps(FRAME);
      double[] t = medians(9, () -> timed(op), () -> timedWith(reference, op));
      double mpix = (double) h * w * 1e-6;
      System.out.printf("gridsample bilinear zeros 1920x1080 c=3 f32 worldfx-cpu=%.1f Mpixel/s reference-scalar=%.1f "
          + "Mpixel/s ratio=%.2f%s (CpuOps.gridSample, spatial kernels merged; the scalar reference is ours, not external)%n",
          mpix / t[0], mpix / t[1], t[1] / t[0], best(t, mpix, "Mpixel/s"));
    }
  }

  // --- 4K pipeline memory ---------------------------------------------------------------------------

  /**
   * A 4K RGB frame [1,3,2160,3840] through conv 3x3 3->16, 16->16, 16->3 (pad 1, bias), each layer's
   * output in its own arena, closed once the next layer has read it. Reports the peak bytes of live
   * tensors, the growth of the process's peak resident memory (which adds the packing scratch on the
   * Java heap) and the time.
   */
  static void pipeline4k() {
    int h = 2160;
    int w = 3840;
    long hwmBefore = peakRssBytes();
    CountingArena.Meter meter = new CountingArena.Meter();
    long t0 = System.nanoTime();
    CountingArena in = new CountingArena(meter);
    Tensor x = Tensor.of(in, random(3 * h * w, 8), 1, 3, h, w);
    int[][] layers = {{3, 16}, {16, 16}, {16, 3}};
    CountingArena live = in;
    for (int i = 0; i < layers.length; i++) {
      int cin = layers[i][0];
      int cout = layers[i][1];
      CountingArena next = new CountingArena(meter);
      Ops ops = new CpuOps(next);
      Tensor wt = Tensor.of(next, random(cout * cin * 9, 10 + i), cout, cin, 3, 3);
      Tensor b = Tensor.of(next, random(cout, 20 + i), cout);
      x = ops.conv2d(x, wt, b, Conv2dParams.of(1, 1));
      live.close();
      live = next;
    }
    double seconds = (System.nanoTime() - t0) * 1e-9;
    live.close();
    long frame = 3L * h * w * 4;
    System.out.printf("pipeline 4K [1,3,2160,3840] conv3x3 3->16->16->3 f32 peak-live-tensors=%.0f MiB (%.1f frames) "
        + "peak-rss-growth=%.0f MiB time=%.0f ms%n", meter.peak() / 1048576.0, (double) meter.peak() / frame,
        (peakRssBytes() - hwmBefore) / 1048576.0, seconds * 1e3);
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** VmHWM of /proc/self/status: the process's peak resident set. */
  private static long peakRssBytes() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmHWM in /proc/self/status");
  }

  // --- timing -------------------------------------------------------------------------------------

  /** 64 MiB of output space, recycled between runs, as a render loop would. */
  private static final RecyclingArena FRAME = new RecyclingArena(64L << 20);

  private static double timed(Function<Ops, Tensor> op) {
    return timedWith(new CpuOps(FRAME), op);
  }

  private static double timedWith(Ops ops, Function<Ops, Tensor> op) {
    FRAME.reset();
    long t0 = System.nanoTime();
    op.apply(ops);
    return (System.nanoTime() - t0) * 1e-9;
  }

  /** The fastest runs as well: on a shared machine the medians carry other programs' load. */
  private static String best(double[] t, double work, String unit) {
    return String.format(" (fastest: %.1f / %.1f %s)", work / t[2], work / t[3], unit);
  }

  private static double seconds(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) * 1e-9;
  }

  /**
   * Warms both up, then times them in alternating blocks (so a change in the machine's load hits both
   * alike) and returns the median seconds of each, then the fastest of each. Not run by run: after a call OpenBLAS's threads
   * spin for a while waiting for more work, and would eat a core from a run of ours right after. So
   * each block is followed by a pause in which they go to sleep (as our pool threads do at once).
   */
  private static double[] medians(int n, DoubleSupplier ours, DoubleSupplier ref) {
    int rounds = 3;
    int perBlock = Math.ceilDiv(n, rounds);
    long warmEnd = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      ours.getAsDouble();
      ref.getAsDouble();
    }
    settle();
    double[] a = new double[rounds * perBlock];
    double[] b = new double[rounds * perBlock];
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < perBlock; i++) {
        a[r * perBlock + i] = ours.getAsDouble();
      }
      settle();
      for (int i = 0; i < perBlock; i++) {
        b[r * perBlock + i] = ref.getAsDouble();
      }
      settle();
    }
    Arrays.sort(a);
    Arrays.sort(b);
    return new double[] {a[a.length / 2], b[b.length / 2], a[0], b[0]};
  }

  /** Long enough for OpenBLAS's idle threads to stop spinning (2^28 cycles by default, < 0.1 s here). */
  private static void settle() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- data and OpenBLAS details ------------------------------------------------------------------

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return v;
  }

  private static MemorySegment segment(FloatPointer p, long floats) {
    return MemorySegment.ofAddress(p.address()).reinterpret(floats * 4);
  }

  private static String openblasCore() {
    return SymbolLookup.loaderLookup().find("openblas_get_corename").map(f -> {
      try {
        MemorySegment s = (MemorySegment) Linker.nativeLinker()
            .downcallHandle(f, FunctionDescriptor.of(ValueLayout.ADDRESS)).invokeExact();
        return "0.3.31 (" + s.reinterpret(64).getString(0) + " kernels)";
      } catch (Throwable e) {
        return "0.3.31";
      }
    }).orElse("0.3.31");
  }

  private static int openblasThreads() {
    return SymbolLookup.loaderLookup().find("openblas_get_num_threads").map(f -> {
      try {
        return (int) Linker.nativeLinker().downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
      } catch (Throwable e) {
        return -1;
      }
    }).orElse(-1);
  }
}
