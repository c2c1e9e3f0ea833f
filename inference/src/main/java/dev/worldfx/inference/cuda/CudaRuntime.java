package dev.worldfx.inference.cuda;

import static dev.worldfx.inference.cuda.CudaStatus.check;

import dev.worldfx.inference.cuda.CudaStatus.Api;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * One CUDA device as the backend uses it: the user's libraries loaded (CudaLibraries finds them; they are loaded by
 * absolute path, so JavaCPP's JNI glue links against exactly those), one non-blocking stream, the cuBLAS and cuDNN
 * handles on it, the device memory pool, two pinned staging buffers for host transfers, and the NVRTC kernels
 * compiled once for this device's architecture. Every call is checked (CudaStatus). Calls are serialised: ops from
 * several threads take turns on the one stream.
 */
public final class CudaRuntime {
  /** The backend's availability: a runtime, or why there is none (one line for the log and the doctor). */
  public record Availability(Optional<CudaRuntime> runtime, String reason) {
    static Availability no(String reason) {
      return new Availability(Optional.empty(), reason);
    }
  }

  /** Folder of device kernels' source, compiled at run time. */
  static final String KERNEL_SOURCE = "/dev/worldfx/inference/cuda/kernels.cu";
  static final long STAGING_BYTES = 8L << 20;
  private static final int BLOCK = 256;

  private static volatile Availability shared;

  final int device;
  final int computeMajor;
  final int computeMinor;
  final String deviceName;
  final CUstream_st stream;
  final cublasContext cublasHandle;
  /** Null when cuDNN did not load or start; {@link #cudnnProblem} says why. */
  final cudnnContext cudnnHandle;
  final String cudnnProblem;
  final DevicePool pool;
  final long workspaceLimitBytes;
  private volatile boolean tf32;
  private final MemorySegment[] staging = new MemorySegment[2];
  private final CUevent_st[] stagingDone = {new CUevent_st(), new CUevent_st()};
  private final Map<String, CUfunc_st> functions = new ConcurrentHashMap<>();
  private final Map<String, List<KernelSignatures.Kind>> signatures;
  private final String kernelSource;
  private final KernelCache kernelCache;
  /** This runtime as the kernel ops see it. */
  final Device asDevice = new Device() {
    @Override
    public <T> T run(Supplier<T> work) {
      return CudaRuntime.this.run(work);
    }

    @Override
    public DeviceBuffer allocate(long bytes) {
      return CudaRuntime.this.allocate(bytes);
    }

    @Override
    public void upload(MemorySegment src, long srcOffset, long dst, long bytes) {
      CudaRuntime.this.upload(src, srcOffset, dst, bytes);
    }

    @Override
    public void download(long src, MemorySegment dst, long dstOffset, long bytes) {
      CudaRuntime.this.download(src, dst, dstOffset, bytes);
    }

    @Override
    public void zero(long dst, long bytes) {
      CudaRuntime.this.zero(dst, bytes);
    }

    @Override
    public void launchElements(String kernel, long n, Object... args) {
      CudaRuntime.this.launchElements(kernel, n, args);
    }

    @Override
    public void launchRows(String kernel, long rows, Object... args) {
      CudaRuntime.this.launchRows(kernel, rows, args);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA,
        long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch) {
      FloatPointer al = new FloatPointer(alpha);
      FloatPointer be = new FloatPointer(beta);
      int opA = transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
      int opB = transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
      if (batch == 1) {
        check(Api.CUBLAS, cublas.cublasSgemm_v2(cublasHandle, opA, opB, m, n, k, al, floats(a), lda, floats(b), ldb, be,
            floats(c), ldc), "cublasSgemm(" + m + "x" + n + "x" + k + ")");
      } else {
        check(Api.CUBLAS, cublas.cublasSgemmStridedBatched(cublasHandle, opA, opB, m, n, k, al, floats(a), lda, strideA,
            floats(b), ldb, strideB, be, floats(c), ldc, strideC, batch), "cublasSgemmStridedBatched(" + batch + " of "
            + m + "x" + n + "x" + k + ")");
      }
    }

    @Override
    public String describe() {
      return CudaRuntime.this.describe();
    }
  };

  private static FloatPointer floats(long address) {
    return new FloatPointer(new DevicePointer(address));
  }
  private CUmod_st module;
  private String kernelProblem;

  private CudaRuntime(int device, String deviceName, boolean hasCudnn, Map<String, String> env) {
    this.device = device;
    this.deviceName = deviceName;
    check(Api.RUNTIME, cudart.cudaSetDevice(device), "cudaSetDevice(" + device + ")");
    check(Api.RUNTIME, cudart.cudaFree(null), "cudaFree(NULL) (creating the context)");
    int[] v = {0};
    check(Api.RUNTIME, cudart.cudaDeviceGetAttribute(v, cudart.cudaDevAttrComputeCapabilityMajor, device),
        "cudaDeviceGetAttribute(major)");
    computeMajor = v[0];
    check(Api.RUNTIME, cudart.cudaDeviceGetAttribute(v, cudart.cudaDevAttrComputeCapabilityMinor, device),
        "cudaDeviceGetAttribute(minor)");
    computeMinor = v[0];
    stream = new CUstream_st();
    check(Api.RUNTIME, cudart.cudaStreamCreateWithFlags(stream, cudart.cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
    cublasHandle = new cublasContext();
    check(Api.CUBLAS, cublas.cublasCreate_v2(cublasHandle), "cublasCreate");
    check(Api.CUBLAS, cublas.cublasSetStream_v2(cublasHandle, stream), "cublasSetStream");
    tf32 = "1".equals(env.get("WORLDFX_CUDA_TF32")) || Boolean.getBoolean("worldfx.cuda.tf32");
    applyMathMode();
    cudnnContext dnn = null;
    String dnnProblem = hasCudnn ? null : "cuDNN is not installed (libcudnn.so.9 not found)";
    if (hasCudnn) {
      try {
        dnn = new cudnnContext();
        check(Api.CUDNN, cudnn.cudnnCreate(dnn), "cudnnCreate");
        check(Api.CUDNN, cudnn.cudnnSetStream(dnn, stream), "cudnnSetStream");
      } catch (CudaException e) {
        dnn = null;
        dnnProblem = e.getMessage();
      }
    }
    cudnnHandle = dnn;
    cudnnProblem = dnnProblem;
    long cacheLimit = Long.parseLong(env.getOrDefault("WORLDFX_CUDA_POOL_MB", "4096")) << 20;
    workspaceLimitBytes = Long.parseLong(env.getOrDefault("WORLDFX_CUDA_WORKSPACE_MB", "512")) << 20;
    pool = new DevicePool(new DevicePool.Allocator() {
      @Override
      public long allocate(long bytes) {
        Pointer p = new Pointer();
        int status = cudart.cudaMalloc(p, bytes);
        if (status != 0) {
          cudart.cudaGetLastError(); // an out-of-memory is not sticky: clear it so later calls do not see it
        }
        check(Api.RUNTIME, status, "cudaMalloc(" + bytes + " bytes)");
        return p.address();
      }

      @Override
      public void free(long address) {
        check(Api.RUNTIME, cudart.cudaFree(new DevicePointer(address)), "cudaFree");
      }
    }, cacheLimit);
    for (int i = 0; i < 2; i++) {
      Pointer p = new Pointer();
      check(Api.RUNTIME, cudart.cudaMallocHost(p, STAGING_BYTES), "cudaMallocHost(" + STAGING_BYTES + ")");
      staging[i] = MemorySegment.ofAddress(p.address()).reinterpret(STAGING_BYTES);
      check(Api.RUNTIME, cudart.cudaEventCreate(stagingDone[i]), "cudaEventCreate");
      check(Api.RUNTIME, cudart.cudaEventRecord(stagingDone[i], stream), "cudaEventRecord");
    }
    try (InputStream in = CudaRuntime.class.getResourceAsStream(KERNEL_SOURCE)) {
      kernelSource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the kernel source " + KERNEL_SOURCE + " is missing from the jar", e);
    }
    signatures = KernelSignatures.parse(kernelSource);
    kernelCache = KernelCache.of(env);
  }

  /** The process's runtime, opened on first use (environment as the process has it). */
  public static Availability shared() {
    Availability a = shared;
    if (a == null) {
      synchronized (CudaRuntime.class) {
        a = shared;
        if (a == null) {
          a = open(System.getenv());
          shared = a;
        }
      }
    }
    return a;
  }

  /**
   * Finds the libraries in {@code env}'s folders, loads them and opens the device; never throws (a missing library,
   * a missing driver, no device: all become the reason).
   */
  public static Availability open(Map<String, String> env) {
    CudaLibraries.Probe probe = CudaLibraries.probe(env);
    List<String> missing = new ArrayList<>();
    for (CudaLibraries.Library l : probe.libraries()) {
      if (!l.usable() && !l.role().equals("cuDNN")) {
        missing.add(l.role() + (l.path().isEmpty() ? " not found" : " does not load: " + l.problem()));
      }
    }
    if (!missing.isEmpty()) {
      return Availability.no(String.join("; ", missing) + " (searched " + probe.searched().size() + " folders; set "
          + CudaLibraries.LIBS_ENV + " to the folder of the CUDA 13 libraries)");
    }
    boolean hasCudnn = probe.libraries().stream().anyMatch(l -> l.role().equals("cuDNN") && l.usable());
    try {
      hasCudnn = loadNative(probe, hasCudnn);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
      return Availability.no("the CUDA libraries were found but JavaCPP's bindings do not load: " + e);
    }
    try {
      int[] count = {0};
      check(Api.RUNTIME, cudart.cudaGetDeviceCount(count), "cudaGetDeviceCount");
      if (count[0] == 0) {
        return Availability.no("no CUDA device");
      }
      int device = Integer.parseInt(env.getOrDefault("WORLDFX_CUDA_DEVICE", "0"));
      if (device < 0 || device >= count[0]) {
        return Availability.no("WORLDFX_CUDA_DEVICE=" + device + " but there are " + count[0] + " CUDA devices");
      }
      org.bytedeco.cuda.cudart.cudaDeviceProp prop = new org.bytedeco.cuda.cudart.cudaDeviceProp();
      check(Api.RUNTIME, cudart.cudaGetDeviceProperties(prop, device), "cudaGetDeviceProperties");
      return new Availability(Optional.of(new CudaRuntime(device, prop.name().getString(), hasCudnn, env)), null);
    } catch (CudaException e) {
      // cudaErrorNoDevice, cudaErrorInsufficientDriver, ...: named by the runtime itself
      return Availability.no(e.getMessage());
    } catch (RuntimeException e) {
      return Availability.no("the CUDA device could not be opened: " + e);
    }
  }

  /**
   * Loads the found libraries by absolute path in dependency order, then JavaCPP's glue (which then links against
   * them, whatever LD_LIBRARY_PATH says). Returns whether cuDNN is usable.
   */
  private static boolean loadNative(CudaLibraries.Probe probe, boolean hasCudnn) {
    Map<String, Path> path = new java.util.HashMap<>();
    for (CudaLibraries.Library l : probe.libraries()) {
      l.path().ifPresent(p -> path.put(l.role(), p));
    }
    System.load(path.get("driver").toString());
    System.load(path.get("runtime").toString());
    loadCompanions(path.get("NVRTC").getParent(), List.of("libnvrtc-builtins.so.13"), true);
    System.load(path.get("NVRTC").toString());
    loadCompanions(path.get("cuBLAS").getParent(), List.of("libcublasLt.so.13"), false);
    System.load(path.get("cuBLAS").toString());
    Loader.load(cudart.class);
    Loader.load(cublas.class);
    Loader.load(nvrtc.class);
    CudaStatus.useNames(CudaRuntime::libraryName);
    if (!hasCudnn) {
      return false;
    }
    // cuDNN 9 is split into sub-libraries that depend on each other; load until none more loads
    loadCompanions(path.get("cuDNN").getParent(), List.of("libcudnn_graph.so.9", "libcudnn_engines_precompiled.so.9",
        "libcudnn_engines_runtime_compiled.so.9", "libcudnn_heuristic.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9",
        "libcudnn_adv.so.9"), false);
    try {
      System.load(path.get("cuDNN").toString());
      Loader.load(cudnn.class);
      return true;
    } catch (UnsatisfiedLinkError e) {
      java.util.logging.Logger.getLogger(CudaRuntime.class.getName()).warning(
          "cuDNN at " + path.get("cuDNN") + " does not load (" + e.getMessage() + "): convolutions run on the CPU");
      return false;
    }
  }

  /** Loads what exists of {@code names} in {@code dir}, repeating while a pass loads something new. */
  private static void loadCompanions(Path dir, List<String> names, boolean prefixMatch) {
    List<Path> pending = new ArrayList<>();
    for (String n : names) {
      if (prefixMatch) {
        try (Stream<Path> s = Files.list(dir)) {
          s.filter(p -> p.getFileName().toString().startsWith(n)).forEach(pending::add);
        } catch (IOException e) {
          return;
        }
      } else if (Files.exists(dir.resolve(n))) {
        pending.add(dir.resolve(n));
      }
    }
    boolean progress = true;
    while (progress && !pending.isEmpty()) {
      progress = false;
      for (var it = pending.iterator(); it.hasNext(); ) {
        Path p = it.next();
        try {
          System.load(p.toString());
          it.remove();
          progress = true;
        } catch (UnsatisfiedLinkError e) {
          // needs one still pending: the next pass
        }
      }
    }
  }

  private static String libraryName(Api api, int status) {
    return switch (api) {
      case RUNTIME -> cudart.cudaGetErrorName(status).getString();
      case DRIVER -> {
        PointerPointer<BytePointer> name = new PointerPointer<>(1);
        yield cudart.cuGetErrorName(status, name) == 0 ? name.get(BytePointer.class, 0).getString() : null;
      }
      case CUBLAS -> null; // the table
      case CUDNN -> cudnn.cudnnGetErrorString(status).getString();
      case NVRTC -> nvrtc.nvrtcGetErrorString(status).getString();
    };
  }

  // --- settings -------------------------------------------------------------------------------------

  /** TF32 tensor-core math for fp32 GEMM and convolution: off by default (parity with the CPU), opt-in for speed. */
  public synchronized void setTf32(boolean on) {
    tf32 = on;
    applyMathMode();
  }

  public boolean tf32() {
    return tf32;
  }

  private void applyMathMode() {
    check(Api.CUBLAS, cublas.cublasSetMathMode(cublasHandle, tf32 ? cublas.CUBLAS_TF32_TENSOR_OP_MATH
        : cublas.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
  }

  public String describe() {
    return deviceName + " (sm_" + computeMajor + computeMinor + ", device " + device + ")"
        + (cudnnHandle == null ? "; convolutions on the CPU: " + cudnnProblem : "");
  }

  // --- running --------------------------------------------------------------------------------------

  /** Runs {@code work} with the device current on this thread and the stream drained afterwards. */
  synchronized <T> T run(Supplier<T> work) {
    check(Api.RUNTIME, cudart.cudaSetDevice(device), "cudaSetDevice");
    T result = work.get();
    check(Api.RUNTIME, cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    return result;
  }

  /** Device memory from the pool; close returns it. */
  DeviceBuffer allocate(long bytes) {
    return new DeviceBuffer(pool, pool.acquire(Math.max(bytes, 4)));
  }

  /** Copies {@code bytes} from host memory {@code src} at {@code srcOffset} to device address {@code dst}. */
  void upload(MemorySegment src, long srcOffset, long dst, long bytes) {
    for (long done = 0, i = 0; done < bytes; i++) {
      int b = (int) (i & 1);
      long n = Math.min(STAGING_BYTES, bytes - done);
      check(Api.RUNTIME, cudart.cudaEventSynchronize(stagingDone[b]), "cudaEventSynchronize");
      MemorySegment.copy(src, srcOffset + done, staging[b], 0, n);
      check(Api.RUNTIME, cudart.cudaMemcpyAsync(new DevicePointer(dst + done), new DevicePointer(staging[b].address()),
          n, cudart.cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync(host to device, " + n + " bytes)");
      check(Api.RUNTIME, cudart.cudaEventRecord(stagingDone[b], stream), "cudaEventRecord");
      done += n;
    }
  }

  /** Copies {@code bytes} from device address {@code src} into host memory {@code dst} at {@code dstOffset}. */
  void download(long src, MemorySegment dst, long dstOffset, long bytes) {
    long pendingOffset = -1;
    long pendingBytes = 0;
    int pendingBuffer = 0;
    for (long done = 0, i = 0; done < bytes; i++) {
      int b = (int) (i & 1);
      long n = Math.min(STAGING_BYTES, bytes - done);
      check(Api.RUNTIME, cudart.cudaMemcpyAsync(new DevicePointer(staging[b].address()), new DevicePointer(src + done),
          n, cudart.cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync(device to host, " + n + " bytes)");
      check(Api.RUNTIME, cudart.cudaEventRecord(stagingDone[b], stream), "cudaEventRecord");
      if (pendingOffset >= 0) { // the previous chunk copies out while this one transfers
        drain(pendingBuffer, dst, dstOffset + pendingOffset, pendingBytes);
      }
      pendingOffset = done;
      pendingBytes = n;
      pendingBuffer = b;
      done += n;
    }
    if (pendingOffset >= 0) {
      drain(pendingBuffer, dst, dstOffset + pendingOffset, pendingBytes);
    }
  }

  private void drain(int b, MemorySegment dst, long offset, long n) {
    check(Api.RUNTIME, cudart.cudaEventSynchronize(stagingDone[b]), "cudaEventSynchronize");
    MemorySegment.copy(staging[b], 0, dst, offset, n);
  }

  /** Fills device memory with zero bytes. */
  void zero(long dst, long bytes) {
    check(Api.RUNTIME, cudart.cudaMemsetAsync(new DevicePointer(dst), 0, bytes, stream), "cudaMemsetAsync");
  }

  /** Launches {@code kernel} with one thread per element of {@code n} (grid-stride loops cover the rest). */
  void launchElements(String kernel, long n, Object... args) {
    long blocks = Math.max(1, Math.min((n + BLOCK - 1) / BLOCK, 1L << 20));
    launch(kernel, (int) blocks, BLOCK, args);
  }

  /** Launches {@code kernel} with one block per row (block-wide reductions need blockDim a power of two). */
  void launchRows(String kernel, long rows, Object... args) {
    launch(kernel, (int) Math.max(1, Math.min(rows, 1L << 20)), BLOCK, args);
  }

  private void launch(String kernel, int gridX, int blockX, Object... args) {
    KernelSignatures.check(kernel, signatures.get(kernel), args);
    CUfunc_st f = function(kernel);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment values = a.allocate(8L * Math.max(1, args.length), 8);
      MemorySegment params = a.allocate(8L * Math.max(1, args.length), 8);
      for (int i = 0; i < args.length; i++) {
        long at = 8L * i;
        switch (args[i]) {
          case Long l -> values.set(ValueLayout.JAVA_LONG, at, l);
          case Integer v -> values.set(ValueLayout.JAVA_INT, at, v);
          case Float v -> values.set(ValueLayout.JAVA_FLOAT, at, v);
          case Double v -> values.set(ValueLayout.JAVA_DOUBLE, at, v);
          default -> throw new IllegalStateException("unexpected kernel argument " + args[i]);
        }
        params.set(ValueLayout.JAVA_LONG, at, values.address() + at);
      }
      check(Api.DRIVER, cudart.cuLaunchKernel(f, gridX, 1, 1, blockX, 1, 1, 0, stream,
          new DevicePointer(params.address()), (Pointer) null), "cuLaunchKernel(" + kernel + ")");
    }
  }

  private CUfunc_st function(String kernel) {
    CUfunc_st f = functions.get(kernel);
    if (f != null) {
      return f;
    }
    if (module == null) {
      if (kernelProblem != null) {
        throw new CudaException(Api.NVRTC, 6, "NVRTC_ERROR_COMPILATION", kernelProblem);
      }
      module = loadModule();
    }
    f = new CUfunc_st();
    check(Api.DRIVER, cudart.cuModuleGetFunction(f, module, kernel), "cuModuleGetFunction(" + kernel + ")");
    functions.put(kernel, f);
    return f;
  }

  /**
   * The kernel module for this device: from the kernel cache, else compiled (a cubin for sm_XY; PTX for compute_XY,
   * JIT-compiled by the driver, if this NVRTC cannot emit the cubin), loaded and cached. A compile error is
   * remembered: every kernel op then falls back to the CPU with the compiler's log in its one log line.
   */
  private CUmod_st loadModule() {
    String key = KernelCache.key(kernelSource, KernelCompiler.options("sm_" + computeMajor + computeMinor),
        KernelCompiler.nvrtcVersion());
    var cached = kernelCache.read(key);
    if (cached.isPresent()) {
      CUmod_st m = new CUmod_st();
      if (cudart.cuModuleLoadData(m, image(cached.get())) == 0) {
        return m;
      }
      kernelCache.delete(key); // refused (another driver, say): compile again
    }
    byte[] image;
    try {
      image = KernelCompiler.compile(kernelSource, computeMajor, computeMinor);
    } catch (CudaException e) {
      kernelProblem = e.getMessage();
      throw e;
    }
    CUmod_st m = new CUmod_st();
    check(Api.DRIVER, cudart.cuModuleLoadData(m, image(image)), "cuModuleLoadData");
    kernelCache.write(key, image);
    return m;
  }

  /** A NUL-terminated copy (PTX is text; a cubin does not mind the extra byte). */
  private static BytePointer image(byte[] bytes) {
    BytePointer img = new BytePointer(bytes.length + 1L);
    img.put(bytes, 0, bytes.length).put(bytes.length, (byte) 0);
    return img;
  }

  /** Device time of {@code work} on the stream in milliseconds (CUDA events), for the benchmarks. */
  public synchronized float deviceMillis(Runnable work) {
    CUevent_st start = new CUevent_st();
    CUevent_st stop = new CUevent_st();
    check(Api.RUNTIME, cudart.cudaEventCreate(start), "cudaEventCreate");
    check(Api.RUNTIME, cudart.cudaEventCreate(stop), "cudaEventCreate");
    try {
      check(Api.RUNTIME, cudart.cudaEventRecord(start, stream), "cudaEventRecord");
      work.run();
      check(Api.RUNTIME, cudart.cudaEventRecord(stop, stream), "cudaEventRecord");
      check(Api.RUNTIME, cudart.cudaEventSynchronize(stop), "cudaEventSynchronize");
      float[] ms = {0};
      check(Api.RUNTIME, cudart.cudaEventElapsedTime(ms, start, stop), "cudaEventElapsedTime");
      return ms[0];
    } finally {
      cudart.cudaEventDestroy(start);
      cudart.cudaEventDestroy(stop);
    }
  }

  /** NVRTC, kept apart from the runtime so its options and fallbacks read in one place. */
  static final class KernelCompiler {
    private KernelCompiler() {}

    static String nvrtcVersion() {
      int[] major = {0};
      int[] minor = {0};
      check(Api.NVRTC, nvrtc.nvrtcVersion(major, minor), "nvrtcVersion");
      return major[0] + "." + minor[0];
    }

    /** --fmad=false: no contraction of a*b+c into an FMA, as the Java reference computes. */
    static List<String> options(String arch) {
      return List.of("--gpu-architecture=" + arch, "--fmad=false", "--std=c++17");
    }

    static byte[] compile(String source, int major, int minor) {
      try {
        return compileWith(source, "sm_" + major + minor, true);
      } catch (CudaException e) {
        return compileWith(source, "compute_" + major + minor, false);
      }
    }

    private static byte[] compileWith(String source, String arch, boolean cubin) {
      _nvrtcProgram prog = new _nvrtcProgram();
      check(Api.NVRTC, nvrtc.nvrtcCreateProgram(prog, new BytePointer(source), new BytePointer("worldfx_kernels.cu"), 0,
          (PointerPointer<?>) null, (PointerPointer<?>) null), "nvrtcCreateProgram");
      try {
        List<String> opts = options(arch);
        PointerPointer<BytePointer> o = new PointerPointer<>(opts.toArray(String[]::new));
        int status = nvrtc.nvrtcCompileProgram(prog, opts.size(), o);
        if (status != 0) {
          SizeTPointer size = new SizeTPointer(1);
          nvrtc.nvrtcGetProgramLogSize(prog, size);
          BytePointer log = new BytePointer(Math.max(1, size.get()));
          nvrtc.nvrtcGetProgramLog(prog, log);
          String text = log.getString().strip().replace('\n', ' ');
          check(Api.NVRTC, status, "nvrtcCompileProgram(" + arch + "): " + (text.length() > 600
              ? text.substring(0, 600) + "..." : text));
        }
        SizeTPointer size = new SizeTPointer(1);
        check(Api.NVRTC, cubin ? nvrtc.nvrtcGetCUBINSize(prog, size) : nvrtc.nvrtcGetPTXSize(prog, size),
            "nvrtcGet" + (cubin ? "CUBIN" : "PTX") + "Size");
        BytePointer out = new BytePointer(size.get());
        check(Api.NVRTC, cubin ? nvrtc.nvrtcGetCUBIN(prog, out) : nvrtc.nvrtcGetPTX(prog, out),
            "nvrtcGet" + (cubin ? "CUBIN" : "PTX"));
        byte[] bytes = new byte[(int) size.get()];
        out.get(bytes);
        return bytes;
      } finally {
        nvrtc.nvrtcDestroyProgram(prog);
      }
    }
  }
}
