package dev.worldfx.inference;

import static dev.worldfx.inference.PointwiseTesting.assertBitIdentical;
import static dev.worldfx.inference.PointwiseTesting.random;
import static dev.worldfx.inference.PointwiseTesting.withThreads;

import dev.worldfx.inference.Ops.Binary;
import dev.worldfx.inference.Ops.Reduce;
import dev.worldfx.inference.Ops.Unary;
import dev.worldfx.inference.cpu.CpuOps;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast pointwise, reduction, norm and attention kernels give the same bits on every run and
 * for every thread count: each case is large enough to be split into several tasks, and runs on
 * pools of 1, 2, 3 and 5 threads (which split it differently) and twice on the default pool.
 */
class PointwiseDeterminismTest {
  private final Arena arena = Arena.ofShared();

  @AfterEach
  void close() {
    arena.close();
  }

  private Map<String, Function<Ops, Tensor>> cases() {
    Tensor big = random(arena, 1, -8, 8, 300_000);
    Tensor image = random(arena, 2, -3, 3, 2, 16, 96, 96);
    Tensor rows = random(arena, 3, -5, 5, 8, 50_000);
    Tensor columns = random(arena, 4, -5, 5, 5000, 64);
    Tensor logits = random(arena, 5, -20, 20, 64, 3000);
    Tensor cube = random(arena, 6, -20, 20, 4, 500, 300);
    Tensor tokens = random(arena, 7, -2, 2, 256, 768);
    Tensor c16 = random(arena, 8, 0.5f, 1.5f, 16);
    Tensor q = random(arena, 9, -1, 1, 2, 4, 96, 32);
    Tensor k = random(arena, 10, -1, 1, 2, 4, 80, 32);
    Tensor v = random(arena, 11, -1, 1, 2, 4, 80, 24);
    Tensor mask = random(arena, 12, -2, 0, 96, 80);
    Map<String, Function<Ops, Tensor>> m = new LinkedHashMap<>();
    for (Unary op : new Unary[] {Unary.GELU, Unary.SILU, Unary.TANH, Unary.EXP, Unary.LOG, Unary.RELU}) {
      m.put(op.name(), o -> o.unary(op, big, 0.1f));
    }
    m.put("ADD channel broadcast", o -> o.binary(Binary.ADD, image, c16.reshape(16, 1, 1)));
    m.put("MUL both broadcast", o -> o.binary(Binary.MUL, random(arena, 13, -1, 1, 64, 1, 33),
        random(arena, 14, -1, 1, 300, 1)));
    m.put("POW", o -> o.binary(Binary.POW, o.unary(Unary.ABS, big, 0), Tensor.of(arena, new float[] {1.5f})));
    m.put("SUM rows", o -> o.reduce(Reduce.SUM, rows, new int[] {1}, false));
    m.put("MEAN columns", o -> o.reduce(Reduce.MEAN, columns, new int[] {0}, false));
    m.put("SUM all", o -> o.reduce(Reduce.SUM, big, new int[0], false));
    m.put("MAX middle", o -> o.reduce(Reduce.MAX, cube, new int[] {1}, true));
    m.put("softmax rows", o -> o.softmax(logits, -1));
    m.put("softmax columns", o -> o.softmax(cube, 1));
    m.put("batchNorm", o -> o.batchNorm(image, c16, c16, c16, c16, 1e-5f));
    m.put("groupNorm", o -> o.groupNorm(image, 4, c16, c16, 1e-5f));
    m.put("groupNorm one span", o -> o.groupNorm(rows.reshape(1, 8, 50_000), 1, null, null, 1e-5f));
    m.put("layerNorm", o -> o.layerNorm(tokens, -1, random(arena, 15, -1, 1, 768), null, 1e-5f));
    m.put("attention", o -> o.attention(q, k, v, mask, Float.NaN));
    return m;
  }

  @Test
  void sameBitsForEveryThreadCountAndRun() {
    Ops cpu = new CpuOps(arena);
    for (Map.Entry<String, Function<Ops, Tensor>> c : cases().entrySet()) {
      Tensor first = c.getValue().apply(cpu);
      assertBitIdentical(first, c.getValue().apply(cpu), c.getKey() + ", second run");
      for (int threads : new int[] {1, 2, 3, 5}) {
        Tensor t = withThreads(threads, () -> c.getValue().apply(cpu));
        assertBitIdentical(first, t, c.getKey() + " on " + threads + " threads");
      }
    }
  }

  /** A confined arena's memory cannot be touched by pool threads: the kernels then run on the caller alone. */
  @Test
  void confinedArenasRunOnTheCallingThread() {
    Ops shared = new CpuOps(arena);
    Map<String, Function<Ops, Tensor>> cases = cases();
    try (Arena confined = Arena.ofConfined()) {
      Ops cpu = new CpuOps(confined);
      for (String c : new String[] {"GELU", "ADD channel broadcast", "SUM rows", "softmax columns", "layerNorm",
          "attention"}) {
        assertBitIdentical(cases.get(c).apply(shared), cases.get(c).apply(cpu), c + " in a confined arena");
      }
    }
  }
}
