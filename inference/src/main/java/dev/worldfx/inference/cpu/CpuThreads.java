package dev.worldfx.inference.cpu;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs a fixed list of independent tasks on the calling thread plus this pool's worker threads.
 * Which thread runs a task never changes what the task computes, so results are the same for any
 * thread count: callers split work so that each output element belongs to exactly one task.
 *
 * <p>Workers spin for {@link #SPIN_NANOS} after their last task before they park, as OpenMP runtimes
 * and OpenBLAS do (for far longer): a model runs op after op, and waking a parked thread costs tens
 * of microseconds on an idle machine and milliseconds on a busy one, more than a whole small product.
 */
final class CpuThreads {
  static final int THREADS = Runtime.getRuntime().availableProcessors();
  private static final long SPIN_NANOS = 2_000_000;

  /** An unstarted thread: a segment it may access is one that pool threads may access too. */
  private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> {});

  private static final ConcurrentLinkedQueue<Job> JOBS = new ConcurrentLinkedQueue<>();
  private static final Worker[] WORKERS = new Worker[THREADS - 1];

  static {
    for (int i = 0; i < WORKERS.length; i++) {
      WORKERS[i] = new Worker("worldfx-cpu-" + (i + 1));
    }
  }

  private CpuThreads() {}

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

  /** {@code wanted}, or 1 if any segment is confined to this thread. */
  static int threadsFor(int wanted, MemorySegment... segments) {
    return threadsFor(segments) == 1 ? 1 : wanted;
  }

  /** Rows of index work [from, to) for {@link #forRange}. */
  @FunctionalInterface
  interface Range {
    void run(long from, long to);
  }

  /** Element operations below which a task costs more to schedule than it saves. */
  private static final long MIN_TASK_WORK = 1 << 15;
  /** Tasks per thread, so that a slow thread does not hold the others up. */
  private static final int TASKS_PER_THREAD = 4;

  /**
   * Runs {@code body} over [0, n) split into contiguous ranges; {@code workPerIndex} is the rough cost
   * of one index in element operations, {@code memory} the segments the body touches. Each index is
   * in exactly one range, so the split never changes results.
   */
  static void forRange(long n, long workPerIndex, Range body, MemorySegment... memory) {
    long perTask = Math.max(1, MIN_TASK_WORK / Math.max(1, workPerIndex));
    int tasks = (int) Math.min(n / perTask, (long) THREADS * TASKS_PER_THREAD);
    if (tasks <= 1 || threadsFor(memory) == 1) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    forEach(tasks, THREADS, t -> body.run(n * t / tasks, n * (t + 1) / tasks));
  }

  /** Runs {@code body} for 0 .. tasks-1 on up to {@code threads} threads; rethrows the first failure. */
  static void forEach(int tasks, int threads, IntConsumer body) {
    int helpers = Math.min(Math.min(threads, tasks) - 1, WORKERS.length);
    if (helpers <= 0) {
      for (int i = 0; i < tasks; i++) {
        body.accept(i);
      }
      return;
    }
    Job job = new Job(tasks, helpers, body);
    JOBS.add(job);
    for (Worker w : WORKERS) {
      w.wake();
    }
    job.work();
    JOBS.remove(job);
    job.awaitHelpers();
    Throwable failure = job.failure.get();
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  private static final class Job {
    final int tasks;
    final IntConsumer body;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger freeSlots; // helpers that may still join
    final AtomicInteger inside = new AtomicInteger(); // helpers in work() now
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Job(int tasks, int helpers, IntConsumer body) {
      this.tasks = tasks;
      this.body = body;
      this.freeSlots = new AtomicInteger(helpers);
    }

    /** A helper joins if a slot is free and tasks remain; it is counted inside before it claims any. */
    boolean join() {
      if (next.get() >= tasks || freeSlots.getAndDecrement() <= 0) {
        return false;
      }
      inside.incrementAndGet();
      return true;
    }

    void work() {
      for (int i; (i = next.getAndIncrement()) < tasks; ) {
        try {
          body.accept(i);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
    }

    void leave() {
      inside.decrementAndGet(); // publishes the helper's writes to the caller's read of 0
    }

    /** Every task is claimed once the caller's work() returns; wait for helpers still finishing one. */
    void awaitHelpers() {
      for (int spins = 0; inside.get() > 0; spins++) {
        if (spins < 10_000) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }
  }

  private static final class Worker implements Runnable {
    private final Thread thread;
    private volatile boolean parked;

    Worker(String name) {
      thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
      thread.start();
    }

    void wake() {
      if (parked) {
        LockSupport.unpark(thread);
      }
    }

    @Override
    public void run() {
      long idleSince = System.nanoTime();
      while (true) {
        Job job = null;
        for (Job j : JOBS) {
          if (j.join()) {
            job = j;
            break;
          }
        }
        if (job != null) {
          job.work();
          job.leave();
          idleSince = System.nanoTime();
          continue;
        }
        if (System.nanoTime() - idleSince < SPIN_NANOS) {
          Thread.onSpinWait();
          continue;
        }
        // Announce before the last look: a job added after it sees parked and unparks this thread.
        parked = true;
        if (JOBS.isEmpty()) {
          LockSupport.park(this);
        }
        parked = false;
        idleSince = System.nanoTime();
      }
    }
  }
}
