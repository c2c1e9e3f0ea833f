package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.SpatialTesting.assertSame;
import static dev.worldfx.inference.cpu.SpatialTesting.random;

import dev.worldfx.inference.DType;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.PadMode;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast pad, concat, slice and pixel shuffle against the reference on random shapes, arguments and input views.
 * They only move values, so results must match bit for bit.
 */
class CpuSpatialCopyTest {
  private static final int CASES = 300;
  private final Arena arena = Arena.ofShared(); // the kernels run on pool threads too
  private final Ops ref = new ReferenceOps(arena);
  private final Ops cpu = new CpuOps(arena);
  private final OpContext ctx = new OpContext(arena, cpu, ref);
  private final Random rng = new Random(3);

  @AfterEach
  void close() {
    arena.close();
  }

  private int[] randomShape(int rank, int maxDim) {
    int[] s = new int[rank];
    for (int d = 0; d < rank; d++) {
      s[d] = 1 + rng.nextInt(maxDim);
    }
    return s;
  }

  /** A random tensor of this shape: contiguous, a transposed view, a narrowed view or F16 storage. */
  private Tensor input(int[] shape) {
    int kind = rng.nextInt(4);
    int r = shape.length;
    if (kind == 1 && r >= 2) {
      int[] swapped = shape.clone();
      swapped[0] = shape[r - 1];
      swapped[r - 1] = shape[0];
      return random(arena, rng, swapped).transpose(0, r - 1);
    }
    if (kind == 2 && r >= 1) {
      int[] wider = shape.clone();
      wider[r - 1] += 3;
      return random(arena, rng, wider).narrow(r - 1, 2, shape[r - 1]);
    }
    if (kind == 3) {
      return random(arena, rng, shape).to(arena, DType.F16);
    }
    return random(arena, rng, shape);
  }

  @Test
  void padMatchesReference() {
    for (int i = 0; i < CASES; i++) {
      int[] s = randomShape(1 + rng.nextInt(4), 5);
      PadMode mode = PadMode.values()[rng.nextInt(3)];
      int r = s.length;
      int[] pads = new int[2 * r];
      for (int d = 0; d < r; d++) {
        // crops keep at least one element (edge and reflect need one), pads may exceed the axis (reflect repeats)
        int keep = 1 + rng.nextInt(s[d]);
        int cropBefore = rng.nextInt(s[d] - keep + 1);
        int cropAfter = s[d] - keep - cropBefore;
        pads[d] = cropBefore > 0 && rng.nextBoolean() ? -cropBefore : rng.nextInt(4);
        pads[d + r] = cropAfter > 0 && rng.nextBoolean() ? -cropAfter : rng.nextInt(4);
      }
      Tensor x = input(s);
      float value = (float) rng.nextGaussian();
      assertSame(ref.pad(x, pads, mode, value), cpu.pad(x, pads, mode, value),
          mode + " pads " + Arrays.toString(pads) + " of " + x);
    }
  }

  @Test
  void constantPadAroundEmptyAxes() {
    Tensor x = Tensor.zeros(arena, 2, 0, 3);
    int[] pads = {1, 2, 0, 0, 1, 1};
    assertSame(ref.pad(x, pads, PadMode.CONSTANT, 4), cpu.pad(x, pads, PadMode.CONSTANT, 4), "empty middle axis");
  }

  @Test
  void concatMatchesReference() {
    for (int i = 0; i < CASES; i++) {
      int[] s = randomShape(1 + rng.nextInt(4), 4);
      int axis = rng.nextInt(s.length);
      List<Tensor> xs = new ArrayList<>();
      for (int k = 0, count = 1 + rng.nextInt(4); k < count; k++) {
        int[] si = s.clone();
        si[axis] = rng.nextInt(4); // may be empty
        xs.add(si[axis] == 0 ? Tensor.zeros(arena, si) : input(si));
      }
      int a = rng.nextBoolean() ? axis : axis - s.length;
      assertSame(ref.concat(xs, a), cpu.concat(xs, a), "axis " + a + " of " + xs);
    }
  }

  @Test
  void sliceMatchesReference() {
    int[] edges = {Integer.MIN_VALUE, -100, 100, Integer.MAX_VALUE};
    for (int i = 0; i < CASES; i++) {
      int[] s = randomShape(1 + rng.nextInt(4), 6);
      int r = s.length;
      int k = 1 + rng.nextInt(r);
      List<Integer> order = new ArrayList<>();
      for (int d = 0; d < r; d++) {
        order.add(d);
      }
      Collections.shuffle(order, rng);
      boolean defaultAxes = k == r && rng.nextInt(4) == 0;
      int[] axes = new int[k];
      int[] starts = new int[k];
      int[] ends = new int[k];
      int[] steps = new int[k];
      for (int j = 0; j < k; j++) {
        int d = defaultAxes ? j : order.get(j);
        axes[j] = rng.nextBoolean() ? d : d - r;
        starts[j] = rng.nextInt(10) == 0 ? edges[rng.nextInt(4)] : rng.nextInt(2 * s[d] + 3) - s[d] - 1;
        ends[j] = rng.nextInt(10) == 0 ? edges[rng.nextInt(4)] : rng.nextInt(2 * s[d] + 3) - s[d] - 1;
        steps[j] = (1 + rng.nextInt(3)) * (rng.nextBoolean() ? 1 : -1);
      }
      boolean defaultSteps = rng.nextInt(4) == 0;
      Tensor x = input(s);
      String what = "starts " + Arrays.toString(starts) + " ends " + Arrays.toString(ends) + " axes "
          + Arrays.toString(axes) + " steps " + Arrays.toString(steps) + " of " + x;
      int[] ax = defaultAxes ? null : axes;
      int[] st = defaultSteps ? null : steps;
      assertSame(ref.slice(x, starts, ends, ax, st), cpu.slice(x, starts, ends, ax, st), what);
    }
  }

  @Test
  void pixelShuffleMatchesReference() {
    for (int i = 0; i < 60; i++) {
      int r = 1 + rng.nextInt(3);
      int[] s = {1 + rng.nextInt(2), r * r * (1 + rng.nextInt(3)), 1 + rng.nextInt(5), 1 + rng.nextInt(7)};
      Tensor x = input(s);
      assertSame(ref.pixelShuffle(x, r), cpu.pixelShuffle(x, r), "r = " + r + " of " + x);
    }
  }

  @Test
  void sameBitsWhateverTheThreadCount() {
    // big enough (over 2^18 floats) to be copied in several tasks
    Tensor x = random(arena, rng, 1, 3, 301, 299);
    int[] pads = {0, 0, 2, -1, 0, 1, 3, 2};
    Tensor padded = ref.pad(x, pads, PadMode.REFLECT, 0);
    Tensor view = x.transpose(2, 3);
    Tensor concat = ref.concat(List.of(x, x), 1);
    Tensor slice = ref.slice(x, new int[] {-1, 3}, new int[] {Integer.MIN_VALUE, 290}, new int[] {3, 2}, new int[] {-2, 1});
    for (int threads : new int[] {1, 2, 3, 8}) {
      assertSame(padded, SpatialCopy.pad(ctx, x, pads, PadMode.REFLECT, 0, threads), "pad on " + threads);
      assertSame(ref.concat(List.of(view, x.transpose(2, 3)), 1), SpatialCopy.concat(ctx, List.of(view, view), 1, threads),
          "concat on " + threads);
      assertSame(concat, SpatialCopy.concat(ctx, List.of(x, x), 1, threads), "concat on " + threads);
      assertSame(slice, SpatialCopy.slice(ctx, x, new int[] {-1, 3}, new int[] {Integer.MIN_VALUE, 290}, new int[] {3, 2},
          new int[] {-2, 1}, threads), "slice on " + threads);
    }
    Tensor in = random(arena, rng, 1, 12, 150, 151);
    Tensor want = ref.pixelShuffle(in, 2);
    for (int threads : new int[] {1, 2, 3, 8}) {
      assertSame(want, SpatialCopy.pixelShuffle(ctx, in, 2, threads), "pixel shuffle on " + threads);
    }
  }

  @Test
  void confinedArenasRunOnTheCallingThread() {
    Tensor x = random(arena, rng, 1, 3, 301, 299);
    int[] pads = {0, 0, 2, -1, 0, 1, 3, 2};
    try (Arena confined = Arena.ofConfined()) {
      OpContext local = new OpContext(confined, new CpuOps(confined), new ReferenceOps(confined));
      Tensor xc = Tensor.of(confined, x.toArray(), x.shape());
      assertSame(SpatialCopy.pad(ctx, x, pads, PadMode.EDGE, 0, 4), SpatialCopy.pad(local, xc, pads, PadMode.EDGE, 0, 4),
          "pad");
    }
  }
}
