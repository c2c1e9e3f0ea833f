package dev.worldfx.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Per-op dispatch: unsupported ops skip a backend, an unavailable backend falls back to the CPU. */
class BackendsTest {
  /** A backend whose every op throws {@code failure}; counts the calls that reached it. */
  private static Backend failing(String name, OpKind supported, RuntimeException failure, AtomicInteger calls) {
    Ops ops = (Ops) Proxy.newProxyInstance(Ops.class.getClassLoader(), new Class<?>[] {Ops.class}, (p, m, a) -> {
      calls.incrementAndGet();
      throw failure;
    });
    return new Backend() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean supports(OpKind op) {
        return op == supported;
      }

      @Override
      public Ops ops(Arena arena) {
        return ops;
      }
    };
  }

  @Test
  void unavailableBackendFallsBackToCpuWithTheSameResult() {
    AtomicInteger calls = new AtomicInteger();
    try (Arena arena = Arena.ofShared()) {
      Backend gpu = failing("fake-gpu", OpKind.BINARY, new BackendUnavailableException("no device", null), calls);
      Ops ops = Backends.dispatching(arena, List.of(gpu));
      Tensor a = Tensor.of(arena, new float[] {1, 2, 3}, 3);
      Tensor b = Tensor.of(arena, new float[] {10, 20, 30}, 3);
      assertArrayEquals(new float[] {11, 22, 33}, ops.binary(Ops.Binary.ADD, a, b).toArray());
      assertEquals(1, calls.get(), "the preferred backend is tried first");
    }
  }

  @Test
  void opsABackendDoesNotSupportNeverReachIt() {
    AtomicInteger calls = new AtomicInteger();
    try (Arena arena = Arena.ofShared()) {
      Backend gpu = failing("fake-gpu", OpKind.CONV2D, new BackendUnavailableException("no device", null), calls);
      Ops ops = Backends.dispatching(arena, List.of(gpu));
      Tensor x = Tensor.of(arena, new float[] {-1, 2}, 2);
      assertArrayEquals(new float[] {0, 2}, ops.unary(Ops.Unary.RELU, x, 0).toArray());
      assertEquals(0, calls.get());
    }
  }

  @Test
  void otherFailuresAreNotHiddenByFallback() {
    AtomicInteger calls = new AtomicInteger();
    try (Arena arena = Arena.ofShared()) {
      Backend gpu = failing("fake-gpu", OpKind.BINARY, new IllegalArgumentException("bad shapes"), calls);
      Ops ops = Backends.dispatching(arena, List.of(gpu));
      Tensor a = Tensor.of(arena, new float[] {1}, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ops.binary(Ops.Binary.ADD, a, a));
      assertEquals("bad shapes", e.getMessage());
    }
  }

  @Test
  void methodNamesMapToOpKinds() {
    assertEquals(OpKind.CONV2D_BACKWARD_INPUT, Backends.kindOf("conv2dBackwardInput"));
    assertEquals(OpKind.GRID_SAMPLE_BACKWARD, Backends.kindOf("gridSampleBackward"));
    for (var m : Ops.class.getDeclaredMethods()) {
      Backends.kindOf(m.getName()); // every op method has a kind: throws otherwise
    }
  }

  @Test
  void peekingForAReportNeitherOpensADeviceNorDecidesTheSelection() {
    try {
      Backends.forgetSelection();
      System.setProperty(Backends.MODE_PROPERTY, "cuda");
      assertTrue(Backends.peek().isEmpty(), "cuda before any op: nothing selected, no device opened");
      System.setProperty(Backends.MODE_PROPERTY, "cpu");
      assertEquals("cpu", Backends.peek().orElseThrow().name());
      System.setProperty(Backends.MODE_PROPERTY, "auto");
      assertTrue(Backends.peek().isEmpty(), "peeking at cpu did not fix the selection");
      System.setProperty(Backends.MODE_PROPERTY, "cpu");
      Backends.Selection made = Backends.selected();
      System.setProperty(Backends.MODE_PROPERTY, "cuda");
      assertEquals(made, Backends.peek().orElseThrow(), "once made, the selection is what is reported");
    } finally {
      System.clearProperty(Backends.MODE_PROPERTY);
      Backends.forgetSelection();
    }
  }
}
