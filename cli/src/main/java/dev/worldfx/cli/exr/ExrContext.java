package dev.worldfx.cli.exr;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.worldfx.cli.exr.ExrNative.Fn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * One open file in the library ({@code exr_context_t}): every call goes through {@link #call},
 * which turns a failed status into an ExrException naming the file, what we were doing and the
 * library's own message. Closing finishes the file (for a written file, that writes its chunk
 * table), and the library frees everything it allocated.
 */
final class ExrContext implements AutoCloseable {
  final ExrNative lib;
  final MemorySegment handle;
  private final Path file;
  private final Arena arena = Arena.ofConfined();
  private final MemorySegment handleSlot;
  private boolean finished;

  private ExrContext(ExrNative lib, Path file, boolean write) throws ExrException {
    this.lib = lib;
    this.file = file;
    handleSlot = arena.allocate(ADDRESS);
    MemorySegment name = arena.allocateFrom(file.toString());
    MemorySegment init = lib.initializer(arena);
    ExrNative.takeLastError();
    int status = write ? lib.call(Fn.START_WRITE, handleSlot, name, ExrNative.WRITE_FILE_DIRECTLY, init)
        : lib.call(Fn.START_READ, handleSlot, name, init);
    if (status != 0) {
      String message = message(status);
      close();
      throw new ExrException(file + ": " + (write ? "cannot create the EXR file: " : "not a readable EXR file: ")
          + message);
    }
    handle = handleSlot.get(ADDRESS, 0);
  }

  static ExrContext read(Path file) throws ExrException {
    return new ExrContext(OpenExrCore.library(), file, false);
  }

  static ExrContext write(Path file) throws ExrException {
    return new ExrContext(OpenExrCore.library(), file, true);
  }

  /** Calls {@code f} (the context is not passed for you) and checks its status. */
  void call(String doing, Fn f, Object... args) throws ExrException {
    ExrNative.takeLastError();
    int status = lib.call(f, args);
    if (status != 0) {
      throw failure(doing, status);
    }
  }

  ExrException failure(String doing, int status) {
    return new ExrException(file + ": " + doing + ": " + message(status));
  }

  ExrException failure(String message) {
    return new ExrException(file + ": " + message);
  }

  /** The library's message for the failed call: the detailed one it reported, else its text for the status. */
  private String message(int status) {
    String detail = ExrNative.takeLastError();
    return detail != null && !detail.isBlank() ? detail + " (" + lib.describe(status) + ")" : lib.describe(status);
  }

  @Override
  public void close() throws ExrException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      ExrNative.takeLastError();
      int status = lib.call(Fn.FINISH, handleSlot);
      if (status != 0) {
        throw failure("finishing the file", status);
      }
    } finally {
      arena.close();
    }
  }
}
