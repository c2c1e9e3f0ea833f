package dev.worldfx.inference.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that readers see either the old or the complete new content, never a
 * half-written one: the body goes to a temporary file in the same folder (same file system,
 * so the rename is atomic), is forced to disk, then renamed over the target.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  public interface Body {
    void writeTo(FileChannel channel) throws IOException;
  }

  public static void write(Path target, Body body) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        body.writeTo(channel);
        channel.force(true);
      }
      keepOrOpenPermissions(tmp, target);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Temp files are created owner-only (0600); the file they become keeps the permissions of the
   * file it replaces, or gets rw-r--r-- like an ordinary new file, so that models installed
   * system-wide stay readable by every user.
   */
  static void keepOrOpenPermissions(Path tmp, Path target) throws IOException {
    if (!Files.getFileStore(tmp).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
      return;
    }
    Files.setPosixFilePermissions(tmp, Files.exists(target)
        ? Files.getPosixFilePermissions(target)
        : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
  }

  /** Writes all of {@code bytes}; FileChannel.write may write less than asked. */
  public static void writeFully(FileChannel channel, java.nio.ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }
}
