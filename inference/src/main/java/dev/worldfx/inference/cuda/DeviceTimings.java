package dev.worldfx.inference.cuda;

import static dev.worldfx.inference.cuda.CudaStatus.check;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.cuda.CudaStatus.Api;
import dev.worldfx.inference.cuda.CudnnConv.Direction;
import dev.worldfx.inference.ref.ConvGeometry;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.cuda.cudnn.cudnnSpatialTransformerStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Device-side timings for {@code worldfx bench kernels --backend cuda}: our op's device work (the same code path the
 * op runs, on device-resident buffers) against the library's own best measured in the same run. Medians of
 * {@code reps} timings with CUDA events, after one warm-up (which for convolutions runs cudnnFind).
 */
@SuppressWarnings("deprecation") // cuDNN 9's descriptor API (see CudnnConv)
public final class DeviceTimings {
  /** Ours and the reference, in milliseconds, and what the reference was. */
  public record Pair(double oursMillis, double referenceMillis, String reference) {
    public double ratio() {
      return oursMillis / referenceMillis;
    }
  }

  private final CudaBackend backend;
  private final CudaRuntime rt;

  public DeviceTimings(CudaBackend backend) {
    this.backend = backend;
    this.rt = backend.runtime();
  }

  private double median(int reps, Runnable work) {
    double[] t = new double[reps];
    rt.run(() -> {
      work.run(); // warm-up: module load, cudnnFind, cuBLAS heuristics
      for (int i = 0; i < reps; i++) {
        t[i] = rt.deviceMillis(work);
      }
      return null;
    });
    Arrays.sort(t);
    return t[reps / 2];
  }

  private long randomFloats(OpScope sc, long n, long seed) {
    float[] v = new float[Math.toIntExact(n)];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return rt.run(() -> sc.upload(v));
  }

  /** conv2d forward, our algorithm choice (run as the op runs it) vs the fastest cudnnFind measured for the shape. */
  public Pair convForward(int n, int c, int h, int w, int o, int k, int reps) {
    if (backend.conv() == null) {
      throw new CudaException(Api.CUDNN, 1001, "CUDNN_STATUS_NOT_INITIALIZED", "cuDNN: " + rt.cudnnProblem);
    }
    Conv2dParams p = Conv2dParams.of(1, k / 2);
    ConvGeometry g = ConvGeometry.forward(new int[] {n, c, h, w}, new int[] {o, c, k, k}, null, p);
    try (OpScope sc = new OpScope(rt.asDevice)) {
      long x = randomFloats(sc, (long) n * c * h * w, 1);
      long wt = randomFloats(sc, (long) o * c * k * k, 2);
      long y = rt.run(() -> sc.floats((long) n * o * g.ho() * g.wo()));
      double ours = median(reps, () -> backend.conv().run(Direction.FORWARD, g, h, g.ho(), p.padTop(), x, wt, y));
      CudnnConv.Choice choice = backend.conv().chosen(Direction.FORWARD, g, h, p.padTop());
      return new Pair(ours, choice.bestMillis(), "cudnnFind's best (algo " + choice.bestAlgo() + "; ours: algo "
          + choice.algo() + ", the fastest deterministic, workspace " + (choice.workspaceBytes() >> 20) + " MiB)");
    }
  }

  /**
   * Row-major sgemm m x n x k through our wrapper vs cuBLAS's best: cublasGemmEx over CUBLAS_GEMM_DEFAULT and
   * ALGO0..23 (those this device accepts), same math (FP32, or TF32 when {@code tf32}).
   */
  public Pair gemm(int m, int n, int k, boolean tf32, int reps) {
    boolean before = rt.tf32();
    rt.setTf32(tf32);
    try (OpScope sc = new OpScope(rt.asDevice)) {
      long a = randomFloats(sc, (long) m * k, 3);
      long b = randomFloats(sc, (long) k * n, 4);
      long c = rt.run(() -> sc.floats((long) m * n));
      double ours = median(reps, () -> CublasGemm.rowMajor(rt.asDevice, false, false, m, n, k, 1f, a, k, 0, b, n, 0, 0f, c, n, 0,
          1));
      FloatPointer one = new FloatPointer(1f);
      FloatPointer zero = new FloatPointer(0f);
      int compute = tf32 ? cublas.CUBLAS_COMPUTE_32F_FAST_TF32 : cublas.CUBLAS_COMPUTE_32F;
      double best = Double.POSITIVE_INFINITY;
      String bestName = "";
      int[] algos = new int[25];
      algos[0] = cublas.CUBLAS_GEMM_DEFAULT;
      for (int i = 0; i < 24; i++) {
        algos[i + 1] = cublas.CUBLAS_GEMM_ALGO0 + i;
      }
      for (int algo : algos) {
        Runnable call = () -> check(Api.CUBLAS, cublas.cublasGemmEx(rt.cublasHandle, cublas.CUBLAS_OP_N,
            cublas.CUBLAS_OP_N, n, m, k, one, new DevicePointer(b), cudart.CUDA_R_32F, n, new DevicePointer(a),
            cudart.CUDA_R_32F, k, zero, new DevicePointer(c), cudart.CUDA_R_32F, n, compute, algo), "cublasGemmEx");
        try {
          double t = median(reps, call);
          if (t < best) {
            best = t;
            bestName = algo == cublas.CUBLAS_GEMM_DEFAULT ? "DEFAULT" : "ALGO" + (algo - cublas.CUBLAS_GEMM_ALGO0);
          }
        } catch (CudaException e) {
          // an algorithm this device or math mode does not offer (CUBLAS_STATUS_NOT_SUPPORTED): not a candidate
        }
      }
      return new Pair(ours, best, "cublasGemmEx's best of DEFAULT and ALGO0..23 (" + bestName + ")");
    } finally {
      rt.setTf32(before);
    }
  }

  /**
   * Bilinear grid-sample of an RGB frame (zeros padding, align corners) vs cuDNN's spatial-transformer sampler on
   * the same input and grid (its bilinear sampler uses the same grid layout, [N,H,W,2]).
   */
  public Pair gridSample(int c, int h, int w, int reps) {
    if (rt.cudnnHandle == null) {
      throw new CudaException(Api.CUDNN, 1001, "CUDNN_STATUS_NOT_INITIALIZED", "cuDNN: " + rt.cudnnProblem);
    }
    try (OpScope sc = new OpScope(rt.asDevice)) {
      long x = randomFloats(sc, (long) c * h * w, 5);
      long grid = randomFloats(sc, (long) h * w * 2, 6);
      long y = rt.run(() -> sc.floats((long) c * h * w));
      double ours = median(reps, () -> rt.launchElements("wfx_grid_sample", (long) h * w, x, grid, y, 1, c, h, w, h, w,
          0, 0, 1));
      cudnnSpatialTransformerStruct st = new cudnnSpatialTransformerStruct();
      cudnnTensorStruct xd = new cudnnTensorStruct();
      cudnnTensorStruct yd = new cudnnTensorStruct();
      check(Api.CUDNN, cudnn.cudnnCreateSpatialTransformerDescriptor(st), "cudnnCreateSpatialTransformerDescriptor");
      check(Api.CUDNN, cudnn.cudnnCreateTensorDescriptor(xd), "cudnnCreateTensorDescriptor");
      check(Api.CUDNN, cudnn.cudnnCreateTensorDescriptor(yd), "cudnnCreateTensorDescriptor");
      try {
        check(Api.CUDNN, cudnn.cudnnSetSpatialTransformerNdDescriptor(st, cudnn.CUDNN_SAMPLER_BILINEAR,
            cudnn.CUDNN_DATA_FLOAT, 4, new IntPointer(1, c, h, w)), "cudnnSetSpatialTransformerNdDescriptor");
        check(Api.CUDNN, cudnn.cudnnSetTensor4dDescriptor(xd, cudnn.CUDNN_TENSOR_NCHW, cudnn.CUDNN_DATA_FLOAT, 1, c, h, w),
            "cudnnSetTensor4dDescriptor");
        check(Api.CUDNN, cudnn.cudnnSetTensor4dDescriptor(yd, cudnn.CUDNN_TENSOR_NCHW, cudnn.CUDNN_DATA_FLOAT, 1, c, h, w),
            "cudnnSetTensor4dDescriptor");
        FloatPointer one = new FloatPointer(1f);
        FloatPointer zero = new FloatPointer(0f);
        double ref = median(reps, () -> check(Api.CUDNN, cudnn.cudnnSpatialTfSamplerForward(rt.cudnnHandle, st, one, xd,
            new DevicePointer(x), new DevicePointer(grid), zero, yd, new DevicePointer(y)), "cudnnSpatialTfSamplerForward"));
        return new Pair(ours, ref, "cudnnSpatialTfSamplerForward (bilinear)");
      } finally {
        cudnn.cudnnDestroyTensorDescriptor(yd);
        cudnn.cudnnDestroyTensorDescriptor(xd);
        cudnn.cudnnDestroySpatialTransformerDescriptor(st);
      }
    }
  }
}
