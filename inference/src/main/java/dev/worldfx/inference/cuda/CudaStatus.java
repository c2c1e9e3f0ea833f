package dev.worldfx.inference.cuda;

import java.util.Map;

/**
 * Status codes of the CUDA libraries turned into exceptions carrying the status's name. Names come from the libraries
 * themselves once they are loaded (cudaGetErrorName, cuGetErrorName, cudnnGetErrorString, nvrtcGetErrorString);
 * cuBLAS's come from the table below (its header's enum), which also serves before anything is loaded.
 */
public final class CudaStatus {
  /** Which library returned the status. */
  public enum Api {
    RUNTIME("CUDA runtime"), DRIVER("CUDA driver"), CUBLAS("cuBLAS"), CUDNN("cuDNN"), NVRTC("NVRTC");

    private final String label;

    Api(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** A library's name for one of its status codes. */
  public interface Names {
    String name(Api api, int status);
  }

  /** cublasStatus_t (cublas_api.h). */
  static final Map<Integer, String> CUBLAS = Map.ofEntries(
      Map.entry(0, "CUBLAS_STATUS_SUCCESS"), Map.entry(1, "CUBLAS_STATUS_NOT_INITIALIZED"),
      Map.entry(3, "CUBLAS_STATUS_ALLOC_FAILED"), Map.entry(7, "CUBLAS_STATUS_INVALID_VALUE"),
      Map.entry(8, "CUBLAS_STATUS_ARCH_MISMATCH"), Map.entry(11, "CUBLAS_STATUS_MAPPING_ERROR"),
      Map.entry(13, "CUBLAS_STATUS_EXECUTION_FAILED"), Map.entry(14, "CUBLAS_STATUS_INTERNAL_ERROR"),
      Map.entry(15, "CUBLAS_STATUS_NOT_SUPPORTED"), Map.entry(16, "CUBLAS_STATUS_LICENSE_ERROR"));

  /** Names known without any library: cuBLAS's table, the two out-of-memory codes, else the bare number. */
  static final Names TABLES = (api, status) -> switch (api) {
    case CUBLAS -> CUBLAS.getOrDefault(status, "CUBLAS_STATUS_" + status);
    case RUNTIME -> status == 2 ? "cudaErrorMemoryAllocation" : "cudaError " + status;
    case DRIVER -> status == 2 ? "CUDA_ERROR_OUT_OF_MEMORY" : "CUresult " + status;
    case CUDNN -> "cudnnStatus " + status;
    case NVRTC -> "nvrtcResult " + status;
  };

  private static volatile Names names = TABLES;

  private CudaStatus() {}

  /** From now on, names come from {@code libraryNames} (falling back to the tables where it has none). */
  static void useNames(Names libraryNames) {
    names = (api, status) -> {
      String n = null;
      try {
        n = libraryNames.name(api, status);
      } catch (RuntimeException | LinkageError e) {
        // a library that cannot name its own status: the table's name will do
      }
      return n == null || n.isBlank() ? TABLES.name(api, status) : n;
    };
  }

  static String name(Api api, int status) {
    return names.name(api, status);
  }

  /** Throws a CudaException naming {@code status} unless it is success (0 in every one of these libraries). */
  public static void check(Api api, int status, String call) {
    if (status != 0) {
      throw new CudaException(api, status, name(api, status), call);
    }
  }
}
