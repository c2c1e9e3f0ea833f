package dev.worldfx.inference.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The task runner: every task once whatever the thread count, failures reach the caller, confined memory stays on it. */
class CpuThreadsTest {
  @Test
  void runsEveryTaskOnce() {
    for (int threads : new int[] {1, 2, 5, 64}) {
      AtomicIntegerArray runs = new AtomicIntegerArray(97);
      CpuThreads.forEach(97, threads, runs::incrementAndGet);
      for (int t = 0; t < 97; t++) {
        assertEquals(1, runs.get(t), "task " + t + " on " + threads + " threads");
      }
    }
  }

  @Test
  void aFailingTaskFailsTheCallWithItsOwnException() {
    // whichever thread runs the failing task, the caller gets that exception itself
    for (int failing = 0; failing < 50; failing += 7) {
      int bad = failing;
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> CpuThreads.forEach(50, 4, t -> {
        if (t == bad) {
          throw new IllegalStateException("task " + bad);
        }
      }));
      assertEquals("task " + bad, e.getMessage());
    }
  }

  @Test
  void confinedMemoryKeepsTheWorkOnTheCaller() {
    try (Arena confined = Arena.ofConfined(); Arena shared = Arena.ofShared()) {
      assertEquals(1, CpuThreads.threadsFor(8, shared.allocate(4), confined.allocate(4)));
      assertEquals(8, CpuThreads.threadsFor(8, shared.allocate(4)));
    }
  }
}
