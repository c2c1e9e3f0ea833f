package dev.worldfx.ofx;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.worldfx.ofx.raw.Native;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * OfxMultiThreadSuiteV1: run work on the host's own render threads, so we share its
 * thread budget instead of adding a pool of ours. One upcall stub serves every call; the
 * customArg carries a job id. A job's exceptions are caught on the host thread (nothing
 * may cross the upcall) and rethrown on the caller's.
 */
final class ThreadSuite {
  /** Work for thread {@code index} of {@code count}. */
  interface Work {
    void run(int index, int count);
  }

  private record Job(Work work, AtomicReference<Throwable> failure) {}

  private static final ConcurrentHashMap<Long, Job> JOBS = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT_ID = new AtomicLong(1);
  private static final MemorySegment STUB;

  static {
    try {
      var target = MethodHandles.lookup().findStatic(ThreadSuite.class, "threadEntry",
          MethodType.methodType(void.class, int.class, int.class, MemorySegment.class));
      STUB = Linker.nativeLinker().upcallStub(target, FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, ADDRESS), Arena.global());
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final MemorySegment multiThread, numCPUs;

  ThreadSuite(MemorySegment suite) {
    multiThread = Native.function(suite, 0);
    numCPUs = Native.function(suite, 1);
  }

  int cpus() {
    MemorySegment out = Scratch.get();
    return Native.iP(numCPUs, out) == Ofx.STAT_OK ? Math.max(1, out.get(ValueLayout.JAVA_INT, 0)) : 1;
  }

  /**
   * Runs {@code work} on {@code threads} host threads and waits. Returns false, having run
   * nothing, when the host refuses (MLT answers kOfxStatErrExists when called from one of
   * its own spawned threads); the caller then does the work itself.
   */
  boolean run(int threads, Work work) {
    long id = NEXT_ID.getAndIncrement();
    Job job = new Job(work, new AtomicReference<>());
    JOBS.put(id, job);
    int st;
    try {
      st = Native.iPIP(multiThread, STUB, threads, MemorySegment.ofAddress(id));
    } finally {
      JOBS.remove(id);
    }
    Throwable failure = job.failure.get();
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    return st == Ofx.STAT_OK;
  }

  private static void threadEntry(int index, int count, MemorySegment arg) {
    Job job = JOBS.get(arg.address());
    if (job == null) {
      return;
    }
    try {
      job.work.run(index, count);
    } catch (Throwable t) {
      job.failure.compareAndSet(null, t);
    }
  }
}
