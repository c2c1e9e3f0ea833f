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

  /**
   * Where the CUDA toolkit's compiler is installed (not NVRTC, but the same front end): the source compiles for
   * Hopper with the options NVRTC gets, and every kernel's parameters in the PTX are the types the launcher passes.
   */
  @Test
  void theSourceCompilesWithNvccAndTheLauncherPassesWhatThePtxTakes() throws Exception {
    Path nvcc = nvcc();
    Assumptions.assumeTrue(nvcc != null, "nvcc not installed: the kernel source is not compiled here");
    Path cu = dir.resolve("kernels.cu");
    Files.writeString(cu, source());
    Path ptx = dir.resolve("kernels.ptx");
    List<String> cmd = new java.util.ArrayList<>(List.of(nvcc.toString(), "--ptx", "-arch=sm_90", "-Werror",
        "all-warnings"));
    for (String o : CudaRuntime.KernelCompiler.options("sm_90")) {
      if (!o.startsWith("--gpu-architecture")) {
        cmd.add(o);
      }
    }
    cmd.addAll(List.of("-o", ptx.toString(), cu.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nvcc did not finish");
    assertEquals(0, p.exitValue(), out);
    String text = Files.readString(ptx);
    Map<String, List<Kind>> sig = KernelSignatures.parse(source());
    java.util.regex.Matcher entry = java.util.regex.Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)")
        .matcher(text);
    int entries = 0;
    while (entry.find()) {
      entries++;
      List<String> ptxTypes = new java.util.ArrayList<>();
      java.util.regex.Matcher param = java.util.regex.Pattern.compile("\\.param \\.(\\w+)").matcher(entry.group(2));
      while (param.find()) {
        ptxTypes.add(param.group(1));
      }
      List<String> expected = sig.get(entry.group(1)).stream().map(k -> switch (k) {
        case POINTER, LONG -> "u64";
        case INT -> "u32";
        case FLOAT -> "f32";
        case DOUBLE -> "f64";
      }).toList();
      assertEquals(expected, ptxTypes, entry.group(1));
    }
    assertEquals(sig.size(), entries, "kernels in the PTX");
  }

  private static Path nvcc() {
    List<Path> candidates = new java.util.ArrayList<>();
    String cudaPath = System.getenv("CUDA_PATH");
    if (cudaPath != null) {
      candidates.add(Path.of(cudaPath, "bin", "nvcc"));
    }
    String path = System.getenv("PATH");
    for (String d : path == null ? new String[0] : path.split(":")) {
      candidates.add(Path.of(d, "nvcc"));
    }
    try (var dirs = Files.newDirectoryStream(Path.of("/usr/local"), "cuda*")) {
      dirs.forEach(d -> candidates.add(d.resolve("bin/nvcc")));
    } catch (java.io.IOException e) {
      // no /usr/local: nothing to add
    }
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
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
