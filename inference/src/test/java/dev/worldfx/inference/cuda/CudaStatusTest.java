package dev.worldfx.inference.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.BackendUnavailableException;
import dev.worldfx.inference.cuda.CudaStatus.Api;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Status codes become exceptions that carry the library's name for the status. */
class CudaStatusTest {
  @BeforeEach
  @AfterEach
  void restoreTables() {
    CudaStatus.useNames((api, status) -> null);
  }

  @Test
  void successIsSilent() {
    for (Api api : Api.values()) {
      CudaStatus.check(api, 0, "anything");
    }
  }

  @Test
  void cublasStatusesAreNamedFromTheTable() {
    CudaException e = assertThrows(CudaException.class, () -> CudaStatus.check(Api.CUBLAS, 15, "cublasSgemm(8x8x8)"));
    assertEquals("CUBLAS_STATUS_NOT_SUPPORTED", e.statusName());
    assertEquals("cublasSgemm(8x8x8) failed: CUBLAS_STATUS_NOT_SUPPORTED (cuBLAS status 15)", e.getMessage());
    assertEquals("CUBLAS_STATUS_ALLOC_FAILED", CudaStatus.name(Api.CUBLAS, 3));
    assertEquals("CUBLAS_STATUS_EXECUTION_FAILED", CudaStatus.name(Api.CUBLAS, 13));
    assertEquals("CUBLAS_STATUS_99", CudaStatus.name(Api.CUBLAS, 99));
  }

  @Test
  void aFailureFallsBackThroughTheDispatcher() {
    CudaException e = assertThrows(CudaException.class, () -> CudaStatus.check(Api.RUNTIME, 100, "cudaGetDeviceCount"));
    assertInstanceOf(BackendUnavailableException.class, e);
  }

  @Test
  void outOfMemoryIsRecognisedPerLibrary() {
    assertTrue(failure(Api.RUNTIME, 2).outOfMemory());
    assertTrue(failure(Api.DRIVER, 2).outOfMemory());
    assertTrue(failure(Api.CUBLAS, 3).outOfMemory());
    assertFalse(failure(Api.CUBLAS, 7).outOfMemory());
    assertFalse(failure(Api.RUNTIME, 700).outOfMemory()); // cudaErrorIllegalAddress
    CudaStatus.useNames((api, status) -> api == Api.CUDNN && status == 4001 ? "CUDNN_STATUS_ALLOC_FAILED" : null);
    assertTrue(failure(Api.CUDNN, 4001).outOfMemory());
    assertFalse(failure(Api.CUDNN, 2000).outOfMemory());
  }

  @Test
  void namesComeFromTheLibraryOnceLoadedAndFromTheTablesWhereItHasNone() {
    CudaStatus.useNames((api, status) -> switch (api) {
      case RUNTIME -> "cudaErrorNoDevice";
      case CUDNN -> throw new UnsatisfiedLinkError("libcudnn gone");
      default -> null;
    });
    assertEquals("cudaErrorNoDevice", failure(Api.RUNTIME, 100).statusName());
    assertEquals("cudnnStatus 2000", failure(Api.CUDNN, 2000).statusName());
    assertEquals("CUBLAS_STATUS_INVALID_VALUE", failure(Api.CUBLAS, 7).statusName());
  }

  private static CudaException failure(Api api, int status) {
    return assertThrows(CudaException.class, () -> CudaStatus.check(api, status, "call"));
  }
}
