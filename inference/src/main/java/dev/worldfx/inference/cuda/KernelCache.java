package dev.worldfx.inference.cuda;

import dev.worldfx.inference.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kernel images NVRTC compiled, on disk, so a process compiles the source once per device architecture and NVRTC
 * version, not at every start: one file per SHA-256 of (source, options, architecture, NVRTC version) in
 * {@code WORLDFX_KERNEL_CACHE} or {@code ~/.worldfx/kernels}. Written atomically; an image the driver refuses is
 * deleted and compiled again. A cache that cannot be read or written only costs the compile.
 */
final class KernelCache {
  private final Path dir;

  KernelCache(Path dir) {
    this.dir = dir;
  }

  static KernelCache of(Map<String, String> env) {
    String own = env.get("WORLDFX_KERNEL_CACHE");
    return new KernelCache(own != null && !own.isBlank() ? Path.of(own)
        : Path.of(System.getProperty("user.home"), ".worldfx", "kernels"));
  }

  static String key(String source, List<String> options, String nvrtcVersion) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(source.getBytes(StandardCharsets.UTF_8));
      for (String part : options) {
        sha.update((byte) 0);
        sha.update(part.getBytes(StandardCharsets.UTF_8));
      }
      sha.update((byte) 0);
      sha.update(nvrtcVersion.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  Optional<byte[]> read(String key) {
    try {
      Path f = dir.resolve(key + ".bin");
      return Files.isRegularFile(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  void write(String key, byte[] image) {
    try {
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve(key + ".bin"), ch -> AtomicFiles.writeFully(ch, ByteBuffer.wrap(image)));
    } catch (IOException e) {
      // only the next start's compile is lost
    }
  }

  void delete(String key) {
    try {
      Files.deleteIfExists(dir.resolve(key + ".bin"));
    } catch (IOException e) {
      // the next start finds it refused again and compiles
    }
  }
}
