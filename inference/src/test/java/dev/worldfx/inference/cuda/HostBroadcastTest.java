package dev.worldfx.inference.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** The broadcasting the device kernels are given is numpy's, checked against the CPU backend's results. */
class HostBroadcastTest {
  @Test
  void shapesBroadcastAsNumpy() {
    assertArrayEquals(new int[] {2, 3, 4}, HostBroadcast.shape(new int[] {3, 1}, new int[] {2, 1, 4}));
    assertArrayEquals(new int[] {}, HostBroadcast.shape(new int[] {}, new int[] {}));
    assertNull(HostBroadcast.shape(new int[] {3}, new int[] {4}));
  }

  @Test
  void metaReadsEveryOperandAsTheCpuBinaryDoes() {
    try (Arena arena = Arena.ofConfined()) {
      Tensor a = Tensor.of(arena, new float[] {1, 2, 3}, 3, 1);
      Tensor b = Tensor.of(arena, new float[] {10, 20, 30, 40, 50, 60, 70, 80}, 2, 1, 4);
      int[] out = HostBroadcast.shape(a.shape(), b.shape());
      long[] meta = HostBroadcast.meta(out, a.shape(), b.shape());
      // what wfx_binary computes, index by index
      float[] av = a.toArray();
      float[] bv = b.toArray();
      float[] got = new float[(int) Tensor.numel(out)];
      int r = out.length;
      for (int i = 0; i < got.length; i++) {
        long rest = i;
        long ia = 0;
        long ib = 0;
        for (int d = r - 1; d >= 0; d--) {
          long idx = rest % meta[d];
          rest /= meta[d];
          ia += idx * meta[r + d];
          ib += idx * meta[2 * r + d];
        }
        got[i] = av[(int) ia] + bv[(int) ib];
      }
      assertArrayEquals(new CpuOps(arena).binary(Ops.Binary.ADD, a, b).toArray(), got);
    }
  }

  @Test
  void parametersExpandToTheirTarget() {
    try (Arena arena = Arena.ofConfined()) {
      Tensor s = Tensor.of(arena, new float[] {1, 2}, 2);
      assertArrayEquals(new float[] {1, 2, 1, 2, 1, 2}, HostBroadcast.expand(s, new int[] {1, 3, 2}));
      Tensor t = Tensor.of(arena, new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1); // a strided view [3,2]
      assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, HostBroadcast.expand(t, new int[] {3, 2}));
      assertNull(HostBroadcast.expand(s, new int[] {3}));
    }
  }

  @Test
  void reducedAxesRejectWhatTheCpuRejects() {
    assertArrayEquals(new boolean[] {true, true}, HostBroadcast.reducedAxes(new int[0], 2));
    assertArrayEquals(new boolean[] {false, true, false}, HostBroadcast.reducedAxes(new int[] {-2}, 3));
    assertNull(HostBroadcast.reducedAxes(new int[] {1, -1}, 2));
    assertNull(HostBroadcast.reducedAxes(new int[] {2}, 2));
  }
}
