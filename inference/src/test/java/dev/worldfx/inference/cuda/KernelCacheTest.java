package dev.worldfx.inference.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiled kernel images are found again only for the same source, options, architecture and NVRTC. */
class KernelCacheTest {
  @TempDir
  Path dir;

  @Test
  void theKeyChangesWithEverythingThatChangesTheImage() {
    String k = KernelCache.key("src", List.of("--gpu-architecture=sm_90", "--fmad=false"), "13.1");
    assertEquals(k, KernelCache.key("src", List.of("--gpu-architecture=sm_90", "--fmad=false"), "13.1"));
    assertNotEquals(k, KernelCache.key("src ", List.of("--gpu-architecture=sm_90", "--fmad=false"), "13.1"));
    assertNotEquals(k, KernelCache.key("src", List.of("--gpu-architecture=sm_89", "--fmad=false"), "13.1"));
    assertNotEquals(k, KernelCache.key("src", List.of("--gpu-architecture=sm_90", "--fmad=false"), "13.0"));
    assertNotEquals(KernelCache.key("a", List.of("bc"), "1"), KernelCache.key("ab", List.of("c"), "1"));
  }

  @Test
  void imagesAreWrittenWholeReadBackAndDeleted() throws Exception {
    KernelCache cache = KernelCache.of(Map.of("WORLDFX_KERNEL_CACHE", dir.resolve("kernels").toString()));
    assertTrue(cache.read("abc").isEmpty());
    byte[] image = {1, 2, 3, 0, 4};
    cache.write("abc", image);
    assertArrayEquals(image, cache.read("abc").orElseThrow());
    try (var files = Files.list(dir.resolve("kernels"))) {
      assertEquals(List.of("abc.bin"), files.map(p -> p.getFileName().toString()).toList(), "no temp files left");
    }
    cache.delete("abc");
    assertTrue(cache.read("abc").isEmpty());
  }

  @Test
  void anUnwritableCacheOnlyCostsTheCompile() throws Exception {
    Path file = dir.resolve("not-a-folder");
    Files.writeString(file, "x");
    KernelCache cache = new KernelCache(file);
    cache.write("abc", new byte[] {1});
    assertTrue(cache.read("abc").isEmpty());
  }
}
