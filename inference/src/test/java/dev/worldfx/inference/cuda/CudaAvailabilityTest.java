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
import org.junit.jupiter.api.Assumptions;
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

  /**
   * The real loading path where the CUDA runtime is installed but there is no driver (the CUDA toolkit on a machine
   * without a GPU): the user's libcudart.so.13 and JavaCPP's glue load, and cudaGetDeviceCount's failure comes back
   * as the reason, named by the runtime itself. The driver, cuBLAS and NVRTC are empty stand-ins built here (the
   * runtime only dlopens the driver and finds none of its entry points; nothing calls the other two).
   */
  @Test
  void aRuntimeWithoutADriverGivesTheRuntimesOwnErrorName() throws Exception {
    var runtime = CudaLibraries.probe().libraries().stream().filter(l -> l.role().equals("runtime") && l.usable())
        .findFirst();
    Assumptions.assumeTrue(runtime.isPresent(), "libcudart.so.13 is not installed here");
    Assumptions.assumeTrue(CudaLibraries.probe().libraries().stream().noneMatch(l -> l.role().equals("driver")
        && l.usable()), "this machine has a CUDA driver");
    Path c = dir.resolve("empty.c");
    Files.writeString(c, "int worldfx_stand_in;\n");
    for (String soname : new String[] {"libcuda.so.1", "libcublas.so.13", "libcublasLt.so.13", "libnvrtc.so.13"}) {
      Process p = new ProcessBuilder("gcc", "-shared", "-fPIC", "-Wl,-soname," + soname, "-o",
          dir.resolve(soname).toString(), c.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      Assumptions.assumeTrue(p.waitFor() == 0, "gcc cannot build the stand-ins: " + out);
    }
    Files.copy(runtime.get().path().orElseThrow(), dir.resolve("libcudart.so.13"));
    CudaRuntime.Availability a;
    try {
      a = CudaRuntime.open(Map.of(CudaLibraries.LIBS_ENV, dir.toString()));
    } finally {
      CudaStatus.useNames((api, status) -> null); // the stand-in driver cannot name anything: back to the tables
    }
    assertTrue(a.runtime().isEmpty());
    assertTrue(a.reason().startsWith("cudaGetDeviceCount failed: cudaErrorInsufficientDriver (CUDA runtime status 35)"),
        a.reason());
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
