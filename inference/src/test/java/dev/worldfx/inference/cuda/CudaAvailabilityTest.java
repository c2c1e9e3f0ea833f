package dev.worldfx.inference.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend's selection and fallback without a GPU: missing libraries, libraries that are not CUDA's, and each mode
 * asked for. The CPU always runs, and the selection says why.
 */
class CudaAvailabilityTest {
  @TempDir
  Path dir;

  @Test
  void anEmptyLibraryFolderMeansNoBackendAndSaysWhatIsMissing() {
    CudaRuntime.Availability a = CudaRuntime.open(Map.of(CudaLibraries.LIBS_ENV, dir.toString()));
    assertTrue(a.runtime().isEmpty());
    for (String role : new String[] {"driver", "runtime", "cuBLAS", "NVRTC"}) {
      assertTrue(a.reason().contains(role + " not found"), a.reason());
    }
    assertFalse(a.reason().contains("cuDNN"), "without cuDNN only the convolutions fall back: " + a.reason());
    assertTrue(a.reason().contains(CudaLibraries.LIBS_ENV), a.reason());
  }

  @Test
  void librariesThatLoadButAreNotCudaGiveAReasonNotACrash() throws Exception {
    Path libm = Path.of("/lib/x86_64-linux-gnu/libm.so.6").toRealPath();
    for (String name : new String[] {"libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libnvrtc.so.13"}) {
      Files.copy(libm, dir.resolve(name));
    }
    CudaRuntime.Availability a = CudaRuntime.open(Map.of(CudaLibraries.LIBS_ENV, dir.toString()));
    assertTrue(a.runtime().isEmpty());
    assertTrue(a.reason().startsWith("the CUDA libraries were found but JavaCPP's bindings do not load"), a.reason());
  }

  @Test
  void cudaAskedForWithoutADeviceRunsOnTheCpuAndSaysSo() {
    Backends.Selection s = Backends.select(Backends.Mode.CUDA, () -> CudaRuntime.Availability.no("no CUDA device"));
    assertEquals("cpu", s.name());
    assertEquals(1, s.chain().size());
    assertSame(Backends.CPU, s.chain().getFirst());
    assertEquals("cuda requested but unavailable, running on the CPU: no CUDA device", s.reason());
    Backends.Selection auto = Backends.select(Backends.Mode.AUTO, () -> CudaRuntime.Availability.no("driver not found"));
    assertEquals("cpu", auto.name());
    assertEquals("auto: no usable GPU, running on the CPU: driver not found", auto.reason());
  }

  @Test
  void cpuAskedForNeverTouchesTheGpu() {
    Backends.Selection s = Backends.select(Backends.Mode.CPU, () -> {
      throw new AssertionError("the device was opened for --backend cpu");
    });
    assertEquals("cpu", s.name());
  }

  @Test
  void theModeComesFromTheFlagThenTheEnvironmentThenDefaultsToCpu() {
    assertEquals(Backends.Mode.CUDA, Backends.requestedMode("cuda", "cpu"));
    assertEquals(Backends.Mode.AUTO, Backends.requestedMode(null, "Auto"));
    assertEquals(Backends.Mode.CPU, Backends.requestedMode(null, null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.requestedMode("gpu", null));
    assertEquals("unknown backend 'gpu' (known: cpu, cuda, auto)", e.getMessage());
  }
}
