package dev.worldfx.inference.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CUDA library probe without a GPU: missing and broken libraries are told apart and reported. */
class CudaLibrariesTest {
  @TempDir
  Path dir;

  @Test
  void anEmptyFolderFindsNothingAndSaysWhatIsMissing() {
    CudaLibraries.Probe p = CudaLibraries.probe(Map.of(CudaLibraries.LIBS_ENV, dir.toString()));
    assertFalse(p.available());
    assertEquals(dir, p.searched().getFirst());
    assertTrue(p.summary().contains("cuDNN (libcudnn.so.9 or libcudnn.so) not found"), p.summary());
    assertTrue(p.summary().contains("driver (libcuda.so.1 or libcuda.so) not found"), p.summary());
  }

  @Test
  void aFileThatIsNotALibraryIsFoundButDoesNotLoad() throws Exception {
    Files.writeString(dir.resolve("libcudnn.so.9"), "not an ELF file");
    CudaLibraries.Probe p = CudaLibraries.probe(Map.of(CudaLibraries.LIBS_ENV, dir.toString()));
    CudaLibraries.Library cudnn = p.libraries().stream().filter(l -> l.role().equals("cuDNN")).findFirst().orElseThrow();
    assertEquals(dir.resolve("libcudnn.so.9"), cudnn.path().orElseThrow());
    assertFalse(cudnn.usable());
    assertTrue(p.summary().contains("cuDNN at " + dir.resolve("libcudnn.so.9") + " does not load"), p.summary());
    assertFalse(p.available());
  }

  @Test
  void theSearchPathFollowsTheEnvironmentInOrder() {
    var dirs = CudaLibraries.searchPath(Map.of("CUDA_PATH", "/opt/cuda", "LD_LIBRARY_PATH", "/a:/b"));
    assertEquals(Path.of("/opt/cuda/lib64"), dirs.get(0));
    assertEquals(Path.of("/a"), dirs.get(1));
    assertEquals(Path.of("/b"), dirs.get(2));
    assertTrue(dirs.contains(Path.of("/usr/local/cuda/lib64")));
  }
}
