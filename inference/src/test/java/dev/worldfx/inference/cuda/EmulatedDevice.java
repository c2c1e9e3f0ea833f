package dev.worldfx.inference.cuda;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * A Device whose kernels are the NVRTC source compiled for the host (cuda_host_emulation.h) and whose memory is host
 * memory: blocks of 8 threads (the kernels take any power of two; the GPU launches 256, but 256 host threads meeting
 * at every barrier are slow on a few cores), at most 3 blocks per launch, so the block reductions and the grid-stride
 * loops are both exercised. Kernel arguments go through the same signature check as on the GPU.
 */
final class EmulatedDevice implements Device, AutoCloseable {
  private static final int BLOCK = 8;
  private static final int MAX_BLOCKS = 3;

  private final Arena memory = Arena.ofShared();
  private final Arena library = Arena.ofShared();
  private final Map<String, List<KernelSignatures.Kind>> signatures;
  private final Map<String, MethodHandle> kernels = new HashMap<>();
  private final MethodHandle grid;
  private final MethodHandle thread;
  private final ExecutorService threads = Executors.newFixedThreadPool(BLOCK, r -> {
    Thread t = new Thread(r, "emulated-cuda-thread");
    t.setDaemon(true);
    return t;
  });
  private final DevicePool pool = new DevicePool(new DevicePool.Allocator() {
    @Override
    public long allocate(long bytes) {
      return memory.allocate(bytes, 256).address();
    }

    @Override
    public void free(long address) {
      // host memory of the arena, freed when the device closes
    }
  }, 0);

  /** Compiles the kernel source with g++ into {@code dir}; null when there is no g++. */
  static EmulatedDevice compile(Path dir) throws Exception {
    String source;
    try (InputStream in = CudaRuntime.class.getResourceAsStream(CudaRuntime.KERNEL_SOURCE)) {
      source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Files.writeString(dir.resolve("kernels.cu"), source);
    for (String f : new String[] {"cuda_host_emulation.h", "cuda_host_emulation.cpp"}) {
      try (InputStream in = EmulatedDevice.class.getResourceAsStream(f)) {
        Files.write(dir.resolve(f), in.readAllBytes());
      }
    }
    Path lib = dir.resolve("libwfxemu.so");
    Process p;
    try {
      p = new ProcessBuilder("g++", "-shared", "-fPIC", "-O1", "-ffp-contract=off", "-pthread", "-o", lib.toString(),
          "-include", dir.resolve("cuda_host_emulation.h").toString(), "-x", "c++", dir.resolve("kernels.cu").toString(),
          dir.resolve("cuda_host_emulation.cpp").toString()).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      return null; // no g++
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("g++ failed on the kernel source:\n" + out);
    }
    return new EmulatedDevice(lib, source);
  }

  private EmulatedDevice(Path lib, String source) {
    SymbolLookup symbols = SymbolLookup.libraryLookup(lib, library);
    Linker linker = Linker.nativeLinker();
    signatures = KernelSignatures.parse(source);
    for (var e : signatures.entrySet()) {
      List<MemoryLayout> params = new ArrayList<>();
      for (KernelSignatures.Kind k : e.getValue()) {
        params.add(switch (k) {
          case POINTER, LONG -> ValueLayout.JAVA_LONG;
          case INT -> ValueLayout.JAVA_INT;
          case FLOAT -> ValueLayout.JAVA_FLOAT;
          case DOUBLE -> ValueLayout.JAVA_DOUBLE;
        });
      }
      kernels.put(e.getKey(), linker.downcallHandle(symbols.find(e.getKey()).orElseThrow(),
          FunctionDescriptor.ofVoid(params.toArray(MemoryLayout[]::new))));
    }
    FunctionDescriptor twoInts = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    grid = linker.downcallHandle(symbols.find("wfx_emu_grid").orElseThrow(), twoInts);
    thread = linker.downcallHandle(symbols.find("wfx_emu_thread").orElseThrow(), twoInts);
  }

  @Override
  public synchronized <T> T run(Supplier<T> work) {
    return work.get();
  }

  @Override
  public DeviceBuffer allocate(long bytes) {
    return new DeviceBuffer(pool, pool.acquire(Math.max(bytes, 4)));
  }

  private static MemorySegment at(long address, long bytes) {
    return MemorySegment.ofAddress(address).reinterpret(bytes);
  }

  @Override
  public void upload(MemorySegment src, long srcOffset, long dst, long bytes) {
    MemorySegment.copy(src, srcOffset, at(dst, bytes), 0, bytes);
  }

  @Override
  public void download(long src, MemorySegment dst, long dstOffset, long bytes) {
    MemorySegment.copy(at(src, bytes), 0, dst, dstOffset, bytes);
  }

  @Override
  public void zero(long dst, long bytes) {
    at(dst, bytes).fill((byte) 0);
  }

  @Override
  public void launchElements(String kernel, long n, Object... args) {
    launch(kernel, (int) Math.max(1, Math.min((n + BLOCK - 1) / BLOCK, MAX_BLOCKS)), args);
  }

  @Override
  public void launchRows(String kernel, long rows, Object... args) {
    launch(kernel, (int) Math.max(1, Math.min(rows, MAX_BLOCKS)), args);
  }

  private void launch(String kernel, int blocks, Object... args) {
    KernelSignatures.check(kernel, signatures.get(kernel), args);
    MethodHandle k = kernels.get(kernel);
    try {
      grid.invokeExact(blocks, BLOCK);
      for (int b = 0; b < blocks; b++) {
        List<Future<?>> running = new ArrayList<>();
        int block = b;
        for (int t = 0; t < BLOCK; t++) {
          int tid = t;
          running.add(threads.submit(() -> {
            try {
              thread.invokeExact(block, tid);
              k.invokeWithArguments(args);
            } catch (Throwable e) {
              throw new IllegalStateException(e);
            }
            return null;
          }));
        }
        for (Future<?> f : running) {
          f.get();
        }
      }
    } catch (Throwable e) {
      throw new IllegalStateException("emulated " + kernel + " failed", e);
    }
  }

  /** cuBLAS's contract in plain Java (column-major, its argument checks included), to test the row-major mapping. */
  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA,
      long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch) {
    if (m < 0 || n < 0 || k < 0 || lda < Math.max(1, transA ? k : m) || ldb < Math.max(1, transB ? n : k)
        || ldc < Math.max(1, m)) {
      throw new CudaException(CudaStatus.Api.CUBLAS, 7, "CUBLAS_STATUS_INVALID_VALUE", "emulated cublasSgemm(m=" + m
          + " n=" + n + " k=" + k + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + ")");
    }
    for (int p = 0; p < batch; p++) {
      MemorySegment am = at(a + p * strideA * 4, ((long) lda * Math.max(m, k) + Math.max(m, k)) * 4);
      MemorySegment bm = at(b + p * strideB * 4, ((long) ldb * Math.max(n, k) + Math.max(n, k)) * 4);
      MemorySegment cm = at(c + p * strideC * 4, ((long) ldc * n + m) * 4);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double acc = 0;
          for (int l = 0; l < k; l++) {
            float av = am.getAtIndex(ValueLayout.JAVA_FLOAT, transA ? l + (long) i * lda : i + (long) l * lda);
            float bv = bm.getAtIndex(ValueLayout.JAVA_FLOAT, transB ? j + (long) l * ldb : l + (long) j * ldb);
            acc += (double) av * bv;
          }
          long ci = i + (long) j * ldc;
          float prior = beta == 0 ? 0 : beta * cm.getAtIndex(ValueLayout.JAVA_FLOAT, ci);
          cm.setAtIndex(ValueLayout.JAVA_FLOAT, ci, (float) (alpha * acc) + prior);
        }
      }
    }
  }

  @Override
  public String describe() {
    return "the host emulation of the kernels";
  }

  @Override
  public void close() {
    threads.shutdownNow();
    memory.close();
  }
}
