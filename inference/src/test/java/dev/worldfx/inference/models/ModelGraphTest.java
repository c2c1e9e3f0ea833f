package dev.worldfx.inference.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelGraphTest {
  private static final ModelGraph EVERY_KIND = new ModelGraph("x", "out", List.of(
      new ModelGraph.Conv2d("c", "x", "c.weight", "c.bias", 1, 2, 3, 1, 1, ModelGraph.Padding.SAME),
      new ModelGraph.Conv2d("d", "c", "d.weight", null, 1, 1, 1, 1, 2, ModelGraph.Padding.VALID),
      new ModelGraph.Relu("r", "d"),
      new ModelGraph.Concat("cat", List.of("c", "r"), 1),
      new ModelGraph.Add("sum", List.of("cat", "cat", "cat")),
      new ModelGraph.UpsampleNearest("out", "sum", 2, 3)));

  @Test
  void jsonRoundTripKeepsEveryNodeKind() {
    assertEquals(EVERY_KIND, ModelGraph.fromJson(EVERY_KIND.toJson()));
  }

  @Test
  void refusesGraphsThatReadUndefinedValuesOrNeverComputeTheOutput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ModelGraph("x", "r", List.of(new ModelGraph.Relu("r", "y"))));
    assertTrue(e.getMessage().contains("reads 'y'"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ModelGraph("x", "r", List.of(new ModelGraph.Relu("r", "x"), new ModelGraph.Relu("r", "x"))));
    assertThrows(IllegalArgumentException.class, () -> new ModelGraph("x", "x", List.of()));
    assertThrows(IllegalArgumentException.class, () -> new ModelGraph("x", "z", List.of(new ModelGraph.Relu("r", "x"))));
    assertThrows(IllegalArgumentException.class, () -> new ModelGraph.Add("a", List.of("x")));
  }

  @Test
  void malformedJsonIsAnIllegalArgumentNamingTheDefect() {
    String json = EVERY_KIND.toJson();
    for (String[] edit : List.of(
        new String[] {"\"op\":\"relu\"", "\"op\":\"gelu\""},
        new String[] {"\"padding\":\"same\"", "\"padding\":\"causal\""},
        new String[] {"\"scale\":[2,3]", "\"scale\":[2]"},
        new String[] {"worldfx-graph/1", "worldfx-graph/9"},
        new String[] {"\"groups\":1,", ""},
        new String[] {"\"inputs\":[\"d\"]", "\"inputs\":[\"d\",\"c\"]"},
        new String[] {"{\"format\"", "[{\"format\""})) {
      assertTrue(json.contains(edit[0]), edit[0]);
      assertThrows(IllegalArgumentException.class, () -> ModelGraph.fromJson(json.replace(edit[0], edit[1])), edit[1]);
    }
  }

  @Test
  void samePaddingFollowsTensorFlow() {
    // Stride 1, odd kernels: symmetric.
    assertArrayEquals(new int[] {1, 1}, GraphRunner.pads(ModelGraph.Padding.SAME, 128, 3, 1, 1));
    assertArrayEquals(new int[] {2, 2}, GraphRunner.pads(ModelGraph.Padding.SAME, 7, 5, 1, 1));
    // Even kernel: the odd pixel goes after (PyTorch-style symmetric padding would be wrong).
    assertArrayEquals(new int[] {0, 1}, GraphRunner.pads(ModelGraph.Padding.SAME, 6, 2, 1, 1));
    // Stride 2: out = ceil(in / 2); in 6, k 3 -> total (3-1)*2+3-6 = 1, after; in 5 -> 2, split.
    assertArrayEquals(new int[] {0, 1}, GraphRunner.pads(ModelGraph.Padding.SAME, 6, 3, 2, 1));
    assertArrayEquals(new int[] {1, 1}, GraphRunner.pads(ModelGraph.Padding.SAME, 5, 3, 2, 1));
    // Kernel no larger than the stride needs none.
    assertArrayEquals(new int[] {0, 0}, GraphRunner.pads(ModelGraph.Padding.SAME, 8, 2, 2, 1));
    // Dilation 2 makes a 3x3 kernel span 5.
    assertArrayEquals(new int[] {2, 2}, GraphRunner.pads(ModelGraph.Padding.SAME, 9, 3, 1, 2));
    assertArrayEquals(new int[] {0, 0}, GraphRunner.pads(ModelGraph.Padding.VALID, 9, 3, 1, 2));
  }
}
