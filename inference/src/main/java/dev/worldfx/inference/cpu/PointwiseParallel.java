package dev.worldfx.inference.cpu;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Splits an index range [0, n) over the ForkJoinPool the caller runs in (the common pool
 * otherwise). Each index goes to exactly one task and the kernels compute each output from
 * one index in a fixed order, so results are bit-identical whatever the split, hence
 * whatever the thread count. Tensors in a confined arena can only be touched by its owner
 * thread: then everything runs on the caller.
 */
final class PointwiseParallel {
  /** Element operations below which a task costs more to schedule than it saves. */
  private static final long MIN_TASK_WORK = 1 << 15;
  /** Tasks per thread, so that a slow thread does not hold the others up. */
  private static final int TASKS_PER_THREAD = 4;
  /** Never started: only asked whether a segment may be used from a thread other than its owner. */
  private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> {});

  @FunctionalInterface
  interface Range {
    void run(long from, long to);
  }

  private PointwiseParallel() {}

  /**
   * Runs {@code body} over [0, n); {@code workPerIndex} is the rough cost of one index in element
   * operations, {@code memory} the segments the body touches.
   */
  static void forRange(long n, long workPerIndex, Range body, MemorySegment... memory) {
    long perTask = Math.max(1, MIN_TASK_WORK / Math.max(1, workPerIndex));
    int tasks = (int) Math.min(n / perTask, (long) threads() * TASKS_PER_THREAD);
    for (MemorySegment m : memory) {
      if (!m.isAccessibleBy(OTHER_THREAD)) {
        tasks = 1;
      }
    }
    if (tasks <= 1) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    List<RecursiveAction> parts = new ArrayList<>(tasks);
    for (int t = 0; t < tasks; t++) {
      long from = n * t / tasks;
      long to = n * (t + 1) / tasks;
      parts.add(new RecursiveAction() {
        @Override
        protected void compute() {
          body.run(from, to);
        }
      });
    }
    ForkJoinTask.invokeAll(parts);
  }

  /** Threads that will run the tasks: a pool's workers, or the common pool's plus the calling thread. */
  private static int threads() {
    return ForkJoinTask.inForkJoinPool()
        ? ForkJoinTask.getPool().getParallelism()
        : ForkJoinPool.getCommonPoolParallelism() + 1;
  }
}
