package dev.worldfx.inference.cuda;

import dev.worldfx.inference.BackendUnavailableException;

/**
 * A CUDA, cuBLAS, cuDNN or NVRTC call that did not return success, with the status's name as the library spells it
 * (e.g. {@code cudaErrorMemoryAllocation}, {@code CUBLAS_STATUS_NOT_SUPPORTED}). It is a BackendUnavailableException:
 * the dispatcher runs the op on the CPU instead and says so once.
 */
public final class CudaException extends BackendUnavailableException {
  private static final long serialVersionUID = 1L;

  private final CudaStatus.Api api;
  private final int status;
  private final String statusName;

  CudaException(CudaStatus.Api api, int status, String statusName, String call) {
    super(call + " failed: " + statusName + " (" + api.label() + " status " + status + ")", null);
    this.api = api;
    this.status = status;
    this.statusName = statusName;
  }

  public CudaStatus.Api api() {
    return api;
  }

  public int status() {
    return status;
  }

  public String statusName() {
    return statusName;
  }

  /** The device (or a library's device allocation) ran out of memory: worth a trim, a retry, or smaller tiles. */
  public boolean outOfMemory() {
    return switch (api) {
      case RUNTIME, DRIVER -> status == 2; // cudaErrorMemoryAllocation, CUDA_ERROR_OUT_OF_MEMORY
      case CUBLAS -> status == 3; // CUBLAS_STATUS_ALLOC_FAILED
      case CUDNN -> statusName.contains("ALLOC"); // CUDNN_STATUS_ALLOC_FAILED and its 9.x sub-codes
      case NVRTC -> status == 1; // NVRTC_ERROR_OUT_OF_MEMORY (host memory, but the same remedy)
    };
  }
}
