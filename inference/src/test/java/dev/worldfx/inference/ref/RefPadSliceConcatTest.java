package dev.worldfx.inference.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.PadMode;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The data-movement references (pad, concat, slice, pixel shuffle) against results worked by hand (pads checked with numpy.pad). */
class RefPadSliceConcatTest {
  private final Arena arena = Arena.ofConfined();
  private final Ops ops = new ReferenceOps(arena);

  @AfterEach
  void close() {
    arena.close();
  }

  private Tensor t(float[] v, int... shape) {
    return Tensor.of(arena, v, shape);
  }

  private static float[] iota(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return v;
  }

  private void assertTensor(float[] want, int[] shape, Tensor got) {
    assertArrayEquals(shape, got.shape());
    assertArrayEquals(want, got.toArray());
  }

  @Test
  void constantPadOnBothSidesOfEachAxis() {
    // pads = [rows before, cols before, rows after, cols after]
    Tensor y = ops.pad(t(new float[] {1, 2, 3, 4}, 2, 2), new int[] {1, 0, 0, 2}, PadMode.CONSTANT, 9);
    assertTensor(new float[] {9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9}, new int[] {3, 4}, y);
  }

  @Test
  void edgeAndReflectIn1d() {
    Tensor x = t(new float[] {1, 2, 3}, 3);
    assertTensor(new float[] {1, 1, 1, 2, 3, 3}, new int[] {6}, ops.pad(x, new int[] {2, 1}, PadMode.EDGE, 0));
    // mirror without repeating the edge; pads longer than the axis keep mirroring (numpy 'reflect')
    assertTensor(new float[] {2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1}, new int[] {14},
        ops.pad(x, new int[] {5, 6}, PadMode.REFLECT, 0));
    assertTensor(new float[] {7, 7, 7, 7, 7}, new int[] {5}, ops.pad(t(new float[] {7}, 1), new int[] {2, 2}, PadMode.REFLECT, 0));
  }

  @Test
  void edgeAndReflectIn2d() {
    Tensor x = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertTensor(new float[] {6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2}, new int[] {4, 6},
        ops.pad(x, new int[] {1, 2, 1, 1}, PadMode.REFLECT, 0));
    assertTensor(new float[] {1, 2, 3, 3, 3, 1, 2, 3, 3, 3, 4, 5, 6, 6, 6}, new int[] {3, 5},
        ops.pad(x, new int[] {1, 0, 0, 2}, PadMode.EDGE, 0));
  }

  @Test
  void negativePadsCropBeforePadding() {
    Tensor x = t(new float[] {1, 2, 3, 4, 5}, 5);
    // crop one in front -> [2, 3, 4, 5], then extend the cropped row at its end
    assertTensor(new float[] {2, 3, 4, 5, 5, 5}, new int[] {6}, ops.pad(x, new int[] {-1, 2}, PadMode.EDGE, 0));
    assertTensor(new float[] {2, 3, 4, 5, 4, 3}, new int[] {6}, ops.pad(x, new int[] {-1, 2}, PadMode.REFLECT, 0));
    // rows: crop the first; cols: pad one before, crop the last
    Tensor y = ops.pad(t(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3), new int[] {-1, 1, 0, -1}, PadMode.CONSTANT, 0);
    assertTensor(new float[] {0, 4, 5, 0, 7, 8}, new int[] {2, 3}, y);
  }

  @Test
  void padOfRankZeroAndOfEmptyAxes() {
    assertTensor(new float[] {5}, new int[] {}, ops.pad(t(new float[] {5}), new int[] {}, PadMode.REFLECT, 0));
    assertTensor(new float[] {3, 3}, new int[] {1, 2},
        ops.pad(Tensor.zeros(arena, 1, 0), new int[] {0, 1, 0, 1}, PadMode.CONSTANT, 3));
  }

  @Test
  void badPads() {
    Tensor x = t(new float[] {1, 2}, 2);
    assertThrows(IllegalArgumentException.class, () -> ops.pad(x, new int[] {1}, PadMode.CONSTANT, 0));
    assertThrows(IllegalArgumentException.class, () -> ops.pad(x, new int[] {-2, -1}, PadMode.CONSTANT, 0));
    assertThrows(IllegalArgumentException.class, () -> ops.pad(x, new int[] {-2, 1}, PadMode.EDGE, 0));
  }

  @Test
  void concatAlongEachAxis() {
    assertTensor(new float[] {1, 2, 3}, new int[] {3}, ops.concat(List.of(t(new float[] {1, 2}, 2), t(new float[] {3}, 1)), 0));
    Tensor a = t(new float[] {1, 2}, 2, 1);
    Tensor b = t(new float[] {3, 4, 5, 6}, 2, 2);
    float[] want = {1, 3, 4, 2, 5, 6};
    assertTensor(want, new int[] {2, 3}, ops.concat(List.of(a, b), 1));
    assertTensor(want, new int[] {2, 3}, ops.concat(List.of(a, Tensor.zeros(arena, 2, 0), b), -1));
    assertTensor(new float[] {1, 2, 3, 4, 5, 6}, new int[] {3, 2}, ops.concat(List.of(a.reshape(1, 2), b), 0));
  }

  @Test
  void concatReadsViews() {
    // a transposed view: [[0, 2], [1, 3]]
    Tensor v = t(iota(4), 2, 2).transpose(0, 1);
    assertTensor(new float[] {0, 2, 1, 3, 0, 1, 2, 3}, new int[] {4, 2}, ops.concat(List.of(v, t(iota(4), 2, 2)), 0));
  }

  @Test
  void badConcat() {
    assertThrows(IllegalArgumentException.class, () -> ops.concat(List.of(), 0));
    assertThrows(IllegalArgumentException.class,
        () -> ops.concat(List.of(Tensor.zeros(arena, 2, 2), Tensor.zeros(arena, 3, 2)), 1));
    assertThrows(IllegalArgumentException.class,
        () -> ops.concat(List.of(Tensor.zeros(arena, 2, 2), Tensor.zeros(arena, 2, 2, 1)), 0));
    assertThrows(IllegalArgumentException.class, () -> ops.concat(List.of(Tensor.zeros(arena, 2)), 1));
  }

  @Test
  void sliceClampsAndSteps() {
    Tensor x = t(iota(10), 10);
    int[] axis0 = {0};
    assertTensor(new float[] {1, 4, 7}, new int[] {3}, ops.slice(x, new int[] {1}, new int[] {8}, axis0, new int[] {3}));
    // negative start counts from the end; an end before the start with a negative step clamps to -1 (take index 0)
    assertTensor(new float[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, new int[] {10},
        ops.slice(x, new int[] {-1}, new int[] {-100}, axis0, new int[] {-1}));
    assertTensor(new float[] {9, 5, 1}, new int[] {3}, ops.slice(x, new int[] {20}, new int[] {0}, axis0, new int[] {-4}));
    assertTensor(new float[] {7, 8, 9}, new int[] {3},
        ops.slice(x, new int[] {7}, new int[] {Integer.MAX_VALUE}, axis0, null));
    assertTensor(new float[] {}, new int[] {0}, ops.slice(x, new int[] {12}, new int[] {20}, axis0, null));
    assertTensor(new float[] {}, new int[] {0}, ops.slice(x, new int[] {3}, new int[] {5}, axis0, new int[] {-1}));
  }

  @Test
  void sliceOnChosenAxes() {
    Tensor x = t(iota(12), 3, 4); // rows 0..3, 4..7, 8..11
    // axes null: starts/ends apply to axes 0, 1 in order
    assertTensor(new float[] {5, 6, 9, 10}, new int[] {2, 2}, ops.slice(x, new int[] {1, 1}, new int[] {3, 3}, null, null));
    // only the last axis, backwards by two
    assertTensor(new float[] {3, 1, 7, 5, 11, 9}, new int[] {3, 2},
        ops.slice(x, new int[] {-1}, new int[] {Integer.MIN_VALUE}, new int[] {-1}, new int[] {-2}));
  }

  @Test
  void badSlice() {
    Tensor x = Tensor.zeros(arena, 3, 4);
    assertThrows(IllegalArgumentException.class, () -> ops.slice(x, new int[] {0}, new int[] {1}, new int[] {0}, new int[] {0}));
    assertThrows(IllegalArgumentException.class,
        () -> ops.slice(x, new int[] {0, 0}, new int[] {1, 1}, new int[] {1, -1}, null));
    assertThrows(IllegalArgumentException.class, () -> ops.slice(x, new int[] {0}, new int[] {1}, new int[] {2}, null));
    assertThrows(IllegalArgumentException.class, () -> ops.slice(x, new int[] {0}, new int[] {1, 2}, null, null));
  }

  @Test
  void pixelShuffleInterleavesChannelBlocks() {
    // channel k holds [10 k, 10 k + 1]; r = 2: out[i][2 w + j] = channel 2 i + j at w
    float[] in = {0, 1, 10, 11, 20, 21, 30, 31};
    assertTensor(new float[] {0, 10, 1, 11, 20, 30, 21, 31}, new int[] {1, 1, 2, 4},
        ops.pixelShuffle(t(in, 1, 4, 1, 2), 2));
    // two output channels: channels 0..3 form the first, 4..7 the second
    Tensor y = ops.pixelShuffle(t(iota(8), 1, 8, 1, 1), 2);
    assertTensor(iota(8), new int[] {1, 2, 2, 2}, y);
    assertThrows(IllegalArgumentException.class, () -> ops.pixelShuffle(t(iota(6), 1, 6, 1, 1), 2));
  }
}
