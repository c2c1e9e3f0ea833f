package dev.worldfx.nodes.cache;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive per-key solve locks across threads and processes. An OS file lock alone is not
 * enough: it belongs to the whole JVM, and a second lock on the same file from the same JVM
 * throws OverlappingFileLockException instead of waiting, so threads queue on an in-process
 * lock first (JVM-wide, since several SequenceCache objects may share a root).
 *
 * <p>Lock files are never deleted: unlinking one while another process waits on it would let a
 * third process lock a fresh file at the same path and solve concurrently. They are empty.
 */
final class SolveLocks {
  private SolveLocks() {}

  private static final class Holder {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  private static final ConcurrentHashMap<Path, Holder> IN_PROCESS = new ConcurrentHashMap<>();

  static <T> T withLock(Path lockFile, Callable<T> body) throws Exception {
    Path path = lockFile.toAbsolutePath().normalize();
    Holder holder = IN_PROCESS.compute(path, (p, h) -> {
      Holder held = h == null ? new Holder() : h;
      held.users++;
      return held;
    });
    try {
      if (holder.lock.isHeldByCurrentThread()) {
        throw new IllegalStateException("this thread already holds the solve lock " + path
            + "; a solve must not wait for its own key");
      }
      holder.lock.lockInterruptibly();
      try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock _ = channel.lock()) {
        return body.call();
      } finally {
        holder.lock.unlock();
      }
    } finally {
      IN_PROCESS.computeIfPresent(path, (p, h) -> --h.users == 0 ? null : h);
    }
  }
}
