package dev.worldfx.inference.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.inference.io.SafeTensors;
import dev.worldfx.inference.ref.ReferenceOps;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GraphRunnerTest {
  @TempDir
  Path dir;

  private final TinyTfjsModel tiny = new TinyTfjsModel(11);

  private GraphRunner convertTiny(Arena arena) throws IOException {
    Path out = dir.resolve("tiny.safetensors");
    TfjsLayersConverter.convert(tiny.write(dir), out, Map.of());
    SafeTensors st = SafeTensors.open(out, arena);
    Map<String, Tensor> weights = new HashMap<>();
    st.names().forEach(n -> weights.put(n, st.tensor(n)));
    return new GraphRunner(ModelGraph.fromJson(st.metadata().get(ModelGraph.METADATA_KEY)), weights);
  }

  static Stream<Arguments> backendsAndSizes() {
    Function<Arena, Ops> cpu = CpuOps::new;
    Function<Arena, Ops> reference = ReferenceOps::new;
    // Odd and even sizes: TF "same" padding differs from symmetric padding exactly there.
    return Stream.of(Arguments.of("cpu", cpu, 6, 5), Arguments.of("cpu", cpu, 7, 8), Arguments.of("cpu", cpu, 1, 1),
        Arguments.of("reference", reference, 6, 5), Arguments.of("reference", reference, 3, 4));
  }

  /**
   * Float32 against a double evaluation: each layer sums at most 63 products of O(1) terms, five
   * layers deep; float32 rounding (2^-24 relative per operation) stays far below 1e-5 of (1 + |value|).
   */
  @ParameterizedTest(name = "{0} {2}x{3}")
  @MethodSource("backendsAndSizes")
  void matchesAnIndependentNhwcEvaluationOfTheKerasModel(String backend, Function<Arena, Ops> ops, int h, int w)
      throws IOException {
    Random r = new Random(h * 31 + w);
    double[][][] nhwc = new double[h][w][2];
    float[] nchw = new float[2 * h * w];
    for (int c = 0; c < 2; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v = (float) r.nextGaussian();
          nhwc[y][x][c] = v;
          nchw[(c * h + y) * w + x] = v;
        }
      }
    }
    double[][][] expected = tiny.evaluate(nhwc);
    try (Arena arena = Arena.ofShared()) {
      Tensor got = convertTiny(arena).run(Tensor.of(arena, nchw, 1, 2, h, w), arena, ops); // [1,3,H',W']
      int ho = expected.length;
      int wo = expected[0].length;
      assertArrayEquals(new int[] {1, 3, ho, wo}, got.shape());
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < ho; y++) {
          for (int x = 0; x < wo; x++) {
            double e = expected[y][x][c];
            assertEquals(e, got.get(0, c, y, x), 1e-5 * (1 + Math.abs(e)), backend + " at c" + c + " y" + y + " x" + x);
          }
        }
      }
    }
  }

  @Test
  void runsAreBitIdenticalAndBatchItemsIndependent() throws IOException {
    Random r = new Random(3);
    float[] a = new float[2 * 9 * 7];
    float[] b = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
      b[i] = (float) r.nextGaussian();
    }
    float[] ab = new float[2 * a.length];
    System.arraycopy(a, 0, ab, 0, a.length);
    System.arraycopy(b, 0, ab, a.length, b.length);
    try (Arena arena = Arena.ofShared()) {
      GraphRunner runner = convertTiny(arena);
      float[] first = runner.run(Tensor.of(arena, a, 1, 2, 9, 7), arena, CpuOps::new).toArray();
      float[] again = runner.run(Tensor.of(arena, a, 1, 2, 9, 7), arena, CpuOps::new).toArray();
      assertArrayEquals(first, again);
      float[] second = runner.run(Tensor.of(arena, b, 1, 2, 9, 7), arena, CpuOps::new).toArray();
      float[] both = runner.run(Tensor.of(arena, ab, 2, 2, 9, 7), arena, CpuOps::new).toArray();
      float[] expected = new float[both.length];
      System.arraycopy(first, 0, expected, 0, first.length);
      System.arraycopy(second, 0, expected, first.length, second.length);
      assertArrayEquals(expected, both);
    }
  }

  @Test
  void aGraphNamingAbsentWeightsIsRefusedUpFront() {
    ModelGraph g = new ModelGraph("x", "c", List.of(
        new ModelGraph.Conv2d("c", "x", "c.weight", null, 1, 1, 1, 1, 1, ModelGraph.Padding.SAME)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GraphRunner(g, Map.of()));
    assertEquals("node 'c' needs weight 'c.weight', which the model file lacks", e.getMessage());
  }
}
