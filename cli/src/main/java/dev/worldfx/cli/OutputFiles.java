package dev.worldfx.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every file a command writes (frames, reports) goes through here: the body writes a hidden
 * temp file beside the target, which is then renamed over it, so a reader sees the old file or
 * the whole new one, never a part. A failure (unwritable folder, disk full) removes the temp
 * file and becomes an {@link OutputException}. Temp files still open when the process is
 * cancelled are removed by {@link #deleteOpenTemps} (see {@link Cancellation}).
 */
class OutputFiles {
  interface Body {
    void writeTo(Path tmp) throws IOException;
  }

  private final Set<Path> open = ConcurrentHashMap.newKeySet();

  /** Writes {@code file} atomically through {@code body}. */
  final void replace(Path file, Body body) throws OutputException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      open.add(tmp);
      writeBody(tmp, body);
      // Temp files are owner-only; a rendered frame or report is an ordinary file others may read.
      if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new OutputException("cannot write " + file + ": " + reason(e), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the folder went away or became unwritable: nothing left to clean
        }
        open.remove(tmp);
      }
    }
  }

  /** Writes the temp file; the seam where tests simulate a full disk. */
  void writeBody(Path tmp, Body body) throws IOException {
    body.writeTo(tmp);
  }

  /**
   * Checks before any work that {@code folder} can take outputs: creates it and a temp file in
   * it, so an unwritable output fails in a second, not after a long solve.
   */
  final void requireWritableFolder(Path folder, String what) throws OutputException {
    try {
      Files.createDirectories(folder);
      Path probe = Files.createTempFile(folder, ".worldfx-write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException e) {
      throw new OutputException(what + " folder " + folder + " is not writable: " + reason(e), e);
    }
  }

  /** Removes the temp files of writes still under way (the process is being cancelled). */
  void deleteOpenTemps() {
    for (Path tmp : open) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort while the process exits
      }
    }
  }

  /** The file system's words (e.g. "No space left on device") for the innermost I/O error. */
  static String reason(IOException e) {
    Throwable t = e;
    while (t.getCause() instanceof IOException cause) {
      t = cause; // ImageIO wraps the file system's error in "Can't create an ImageOutputStream!" and the like
    }
    return switch (t) {
      case java.nio.file.FileAlreadyExistsException f -> "a file is in the way: " + f.getFile();
      case java.nio.file.AccessDeniedException a -> "permission denied: " + a.getFile();
      case java.nio.file.FileSystemException fs when fs.getReason() != null -> fs.getReason() + ": " + fs.getFile();
      default -> t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    };
  }
}
