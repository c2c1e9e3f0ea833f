package dev.worldfx.inference.cpu;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs a fixed list of independent tasks on the common fork-join pool plus the calling thread.
 * Which thread runs a task never changes what the task computes, so results are the same for any
 * thread count: callers split work so that each output element belongs to exactly one task.
 */
final class GemmPool {
  static final int THREADS = Runtime.getRuntime().availableProcessors();

  /** An unstarted thread: a segment it may access is one that pool threads may access too. */
  private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> {});

  private GemmPool() {}

  /**
   * The thread count to use with these segments: 1 if any of them is confined to this thread
   * (a confined arena's memory cannot be touched by pool threads), else {@link #THREADS}.
   */
  static int threadsFor(MemorySegment... segments) {
    for (MemorySegment s : segments) {
      if (!s.isAccessibleBy(OTHER_THREAD)) {
        return 1;
      }
    }
    return THREADS;
  }

  /** Runs {@code body} for 0 .. tasks-1 on up to {@code threads} threads; rethrows the first failure. */
  static void forEach(int tasks, int threads, IntConsumer body) {
    int helpers = Math.min(threads, tasks) - 1;
    if (helpers <= 0) {
      for (int i = 0; i < tasks; i++) {
        body.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int i; (i = next.getAndIncrement()) < tasks; ) {
        body.accept(i);
      }
    };
    ForkJoinTask<?>[] forked = new ForkJoinTask<?>[helpers];
    for (int h = 0; h < helpers; h++) {
      forked[h] = ForkJoinTask.adapt(worker).fork();
    }
    try {
      worker.run();
    } finally {
      // join() runs a helper that never started on this thread (it finds no tasks left), so a
      // caller that is itself a pool worker cannot deadlock here.
      for (ForkJoinTask<?> f : forked) {
        f.join();
      }
    }
  }
}
