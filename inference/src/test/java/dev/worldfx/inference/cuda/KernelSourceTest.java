package dev.worldfx.inference.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.cuda.KernelSignatures.Kind;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NVRTC kernel source without a GPU: it parses as C++ (g++ with a shim for CUDA's built-ins; NVRTC itself is only
 * on GPU machines), every kernel the ops launch is there with the parameters the launcher can pass, and a launch with
 * the wrong argument types is refused before it reaches the device.
 */
class KernelSourceTest {
  @TempDir
  Path dir;

  private static String source() throws Exception {
    try (InputStream in = CudaRuntime.class.getResourceAsStream(CudaRuntime.KERNEL_SOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void everyKernelTheOpsLaunchIsThereWithItsParameters() throws Exception {
    Map<String, List<Kind>> sig = KernelSignatures.parse(source());
    assertEquals(List.of("wfx_unary", "wfx_binary", "wfx_reduce", "wfx_softmax", "wfx_batch_norm", "wfx_norm_rows",
        "wfx_grid_sample", "wfx_warp", "wfx_resize", "wfx_add_broadcast", "wfx_broadcast2d"), List.copyOf(sig.keySet()));
    assertEquals(List.of(Kind.POINTER, Kind.POINTER, Kind.LONG, Kind.INT, Kind.FLOAT), sig.get("wfx_unary"));
    assertEquals(List.of(Kind.POINTER, Kind.POINTER, Kind.POINTER, Kind.LONG, Kind.INT, Kind.INT, Kind.POINTER),
        sig.get("wfx_binary"));
    assertEquals(13, sig.get("wfx_resize").size());
  }

  @Test
  void argumentsOfTheWrongTypeAreRefusedBeforeTheLaunch() throws Exception {
    List<Kind> unary = KernelSignatures.parse(source()).get("wfx_unary");
    KernelSignatures.check("wfx_unary", unary, new Object[] {1L, 2L, 3L, 0, 0f});
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KernelSignatures.check("wfx_unary", unary, new Object[] {1L, 2L, 3, 0, 0f}));
    assertEquals("kernel wfx_unary argument 2 must be LONG, given Integer", e.getMessage());
    assertThrows(IllegalStateException.class, () -> KernelSignatures.check("wfx_unary", unary, new Object[] {1L}));
    assertThrows(IllegalStateException.class, () -> KernelSignatures.check("wfx_nothing", null, new Object[0]));
  }

  @Test
  void theSourceParsesAsCpp() throws Exception {
    Assumptions.assumeTrue(onPath("g++"), "g++ not installed: the kernel source is not syntax-checked here");
    Path shim = dir.resolve("cuda_syntax_shim.h");
    try (InputStream in = KernelSourceTest.class.getResourceAsStream("cuda_syntax_shim.h")) {
      Files.write(shim, in.readAllBytes());
    }
    Path cu = dir.resolve("kernels.cu");
    Files.writeString(cu, source());
    Process p = new ProcessBuilder("g++", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-Wno-unused-function",
        "-x", "c++", "-include", shim.toString(), cu.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "g++ did not finish");
    assertEquals(0, p.exitValue(), out);
  }

  private static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(":")) {
      if (Files.isExecutable(Path.of(d, exe))) {
        return true;
      }
    }
    return false;
  }
}
