package dev.worldfx.inference.cpu;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs numbered tasks on the calling thread plus helpers from the common pool. The spatial kernels cut their work
 * into tasks that each own disjoint outputs and compute them in a fixed order, so what a task writes does not
 * depend on which thread runs it, nor on how many threads there are.
 */
final class SpatialParallel {
  static final int DEFAULT_THREADS = Runtime.getRuntime().availableProcessors();
  /** Never started: a thread that is not the caller, to ask whether memory is confined to the caller. */
  private static final Thread OTHER = Thread.ofPlatform().unstarted(() -> {});

  private SpatialParallel() {}

  /** The thread count usable on these segments: 1 when one of them lives in an arena confined to the caller. */
  static int threadsFor(int threads, MemorySegment... segments) {
    for (MemorySegment s : segments) {
      if (!s.isAccessibleBy(OTHER)) {
        return 1;
      }
    }
    return threads;
  }

  static void forEach(int tasks, int threads, IntConsumer task) {
    int workers = Math.min(threads, tasks);
    if (workers <= 1) {
      for (int t = 0; t < tasks; t++) {
        task.accept(t);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable drain = () -> {
      try {
        for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
          task.accept(t);
        }
      } catch (RuntimeException | Error e) {
        next.set(tasks); // the others stop taking tasks
        if (!failure.compareAndSet(null, e)) {
          failure.get().addSuppressed(e);
        }
      }
    };
    ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[workers - 1];
    for (int i = 0; i < helpers.length; i++) {
      helpers[i] = ForkJoinPool.commonPool().submit(drain);
    }
    drain.run();
    // Wait for every helper even after a failure: they write into memory the caller may free next.
    for (ForkJoinTask<?> helper : helpers) {
      helper.join();
    }
    // Rethrown as thrown (join would hand back a copy of an exception from a pool thread).
    if (failure.get() instanceof RuntimeException e) {
      throw e;
    }
    if (failure.get() instanceof Error e) {
      throw e;
    }
  }
}
