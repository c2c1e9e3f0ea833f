package dev.worldfx.inference.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.worldfx.inference.OpKind;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The GPU ops that run as NVRTC kernels or cuBLAS products, each against the CPU backend on the same inputs with
 * tolerances, asserting that the GPU side really ran on its device (the backend's counter for that op went up). Run
 * on a real GPU by CudaParityIT and on the host emulation (kernels compiled for the host, cuBLAS's contract in Java) by
 * CudaKernelEmulationTest; subclasses set the fields.
 */
abstract class DeviceOpCases {
  static CudaBackend gpu;
  static Arena arena;
  static Ops dev;
  static Ops cpu;

  static Tensor random(long seed, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return Tensor.of(arena, v, shape);
  }

  /** Runs both, asserts the GPU ran {@code kind} on the device once, compares within atol + rtol * |cpu|. */
  static void same(String what, OpKind kind, double atol, double rtol, Supplier<Tensor> onGpu,
      Supplier<Tensor> onCpu) {
    long before = gpu.deviceOps(kind);
    Tensor g = onGpu.get();
    assertEquals(before + 1, gpu.deviceOps(kind), what + ": did not run on the device");
    Tensor c = onCpu.get();
    assertArrayEquals(c.shape(), g.shape(), what + ": shape");
    float[] gv = g.toArray();
    float[] cv = c.toArray();
    double worst = 0;
    for (int i = 0; i < gv.length; i++) {
      if (Float.isNaN(cv[i]) || Float.isNaN(gv[i])) {
        if (Float.isNaN(cv[i]) != Float.isNaN(gv[i])) {
          fail(what + ": element " + i + " is " + gv[i] + " on the GPU, " + cv[i] + " on the CPU");
        }
        continue;
      }
      if (Float.isInfinite(cv[i]) || Float.isInfinite(gv[i])) {
        assertEquals(cv[i], gv[i], what + ": element " + i);
        continue;
      }
      double err = Math.abs(gv[i] - cv[i]);
      worst = Math.max(worst, err);
      if (err > atol + rtol * Math.abs(cv[i])) {
        fail(what + ": element " + i + " is " + gv[i] + " on the GPU, " + cv[i] + " on the CPU (|diff| " + err + ")");
      }
    }
    System.out.printf("  %-58s max |gpu - cpu| = %.3g%n", what, worst);
  }

  @Test
  void pointwise() {
    Tensor x = random(40, 3, 5, 7, 11);
    Tensor wide = Tensor.of(arena, new float[] {-30, -5, -1, -0f, 0, 1e-8f, 0.5f, 3, 20, 89, Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY, Float.NaN}, 13);
    for (Ops.Unary op : Ops.Unary.values()) {
      same("unary " + op, OpKind.UNARY, 1e-6, 1e-5, () -> dev.unary(op, x, 0.2f), () -> cpu.unary(op, x, 0.2f));
      same("unary " + op + " special values", OpKind.UNARY, 1e-6, 1e-5, () -> dev.unary(op, wide, 0.2f),
          () -> cpu.unary(op, wide, 0.2f));
    }
    Tensor a = random(41, 3, 1, 7, 11);
    Tensor b = random(42, 5, 1, 11);
    Tensor positive = dev.unary(Ops.Unary.ABS, a, 0);
    for (Ops.Binary op : Ops.Binary.values()) {
      Tensor left = op == Ops.Binary.POW ? positive : a;
      same("binary " + op + " [3,1,7,11] with [5,1,11]", OpKind.BINARY, 1e-6, 1e-5, () -> dev.binary(op, left, b),
          () -> cpu.binary(op, left, b));
    }
    Tensor scalar = Tensor.of(arena, new float[] {2.5f});
    same("binary MUL by a scalar", OpKind.BINARY, 0, 0, () -> dev.binary(Ops.Binary.MUL, x, scalar),
        () -> cpu.binary(Ops.Binary.MUL, x, scalar));
  }


  @Test
  void reductionsAndSoftmax() {
    Tensor x = random(50, 4, 6, 9, 10);
    int[][] axes = {{}, {1}, {-1}, {0, 2}, {1, 2, 3}};
    for (Ops.Reduce op : Ops.Reduce.values()) {
      for (int[] ax : axes) {
        for (boolean keep : new boolean[] {false, true}) {
          same("reduce " + op + " " + java.util.Arrays.toString(ax) + " keep=" + keep, OpKind.REDUCE, 1e-5, 1e-5,
              () -> dev.reduce(op, x, ax, keep), () -> cpu.reduce(op, x, ax, keep));
        }
      }
    }
    Tensor big = random(51, 1, 3, 1080, 1920);
    same("reduce MEAN over a 1080p frame", OpKind.REDUCE, 1e-6, 1e-5,
        () -> dev.reduce(Ops.Reduce.MEAN, big, new int[] {2, 3}, true),
        () -> cpu.reduce(Ops.Reduce.MEAN, big, new int[] {2, 3}, true));
    for (int axis : new int[] {0, 1, -1}) {
      same("softmax axis " + axis, OpKind.SOFTMAX, 1e-6, 1e-5, () -> dev.softmax(x, axis), () -> cpu.softmax(x, axis));
    }
  }


  @Test
  void norms() {
    Tensor x = random(60, 2, 8, 13, 17);
    Tensor s = random(61, 8);
    Tensor b = random(62, 8);
    Tensor mean = random(63, 8);
    Tensor var = dev.unary(Ops.Unary.ABS, random(64, 8), 0);
    same("batchNorm", OpKind.BATCH_NORM, 1e-5, 1e-5, () -> dev.batchNorm(x, s, b, mean, var, 1e-5f),
        () -> cpu.batchNorm(x, s, b, mean, var, 1e-5f));
    same("groupNorm 4 groups", OpKind.GROUP_NORM, 1e-5, 1e-5, () -> dev.groupNorm(x, 4, s, b, 1e-5f),
        () -> cpu.groupNorm(x, 4, s, b, 1e-5f));
    same("groupNorm without scale and bias", OpKind.GROUP_NORM, 1e-5, 1e-5, () -> dev.groupNorm(x, 2, null, null, 1e-5f),
        () -> cpu.groupNorm(x, 2, null, null, 1e-5f));
    Tensor ls = random(65, 17);
    Tensor lb = random(66, 13, 1);
    same("layerNorm last axis", OpKind.LAYER_NORM, 1e-5, 1e-5, () -> dev.layerNorm(x, -1, ls, null, 1e-5f),
        () -> cpu.layerNorm(x, -1, ls, null, 1e-5f));
    same("layerNorm from axis 2, broadcast bias", OpKind.LAYER_NORM, 1e-5, 1e-5,
        () -> dev.layerNorm(x, 2, ls, lb, 1e-5f), () -> cpu.layerNorm(x, 2, ls, lb, 1e-5f));
  }


  @Test
  void spatial() {
    Tensor x = random(80, 2, 3, 23, 31);
    for (Ops.ResizeMode mode : Ops.ResizeMode.values()) {
      for (Ops.CoordMode coord : Ops.CoordMode.values()) {
        same("resize " + mode + " " + coord + " up", OpKind.RESIZE, 1e-5, 1e-5,
            () -> dev.resize(x, 50, 61, mode, coord, Ops.NearestMode.ROUND_PREFER_FLOOR, -0.75f),
            () -> cpu.resize(x, 50, 61, mode, coord, Ops.NearestMode.ROUND_PREFER_FLOOR, -0.75f));
        same("resize " + mode + " " + coord + " down by scales", OpKind.RESIZE, 1e-5, 1e-5,
            () -> dev.resize(x, 13, 18, 0.6, 0.6, mode, coord, Ops.NearestMode.CEIL, -0.5f),
            () -> cpu.resize(x, 13, 18, 0.6, 0.6, mode, coord, Ops.NearestMode.CEIL, -0.5f));
      }
    }
    Tensor grid = dev.binary(Ops.Binary.MUL, random(81, 2, 19, 29, 2), Tensor.of(arena, new float[] {1.3f}));
    for (Ops.GridMode mode : Ops.GridMode.values()) {
      for (Ops.GridPadding pad : Ops.GridPadding.values()) {
        for (boolean align : new boolean[] {false, true}) {
          same("gridSample " + mode + " " + pad + " align=" + align, OpKind.GRID_SAMPLE, 1e-5, 1e-5,
              () -> dev.gridSample(x, grid, mode, pad, align), () -> cpu.gridSample(x, grid, mode, pad, align));
        }
      }
    }
    Tensor flow = dev.binary(Ops.Binary.MUL, random(82, 2, 2, 23, 31), Tensor.of(arena, new float[] {6f}));
    for (Ops.GridPadding pad : Ops.GridPadding.values()) {
      same("warp " + pad, OpKind.WARP, 1e-5, 1e-5, () -> dev.warp(x, flow, pad), () -> cpu.warp(x, flow, pad));
    }
  }

  @Test
  void matmulAndGemm() {
    Tensor a = random(1, 2, 3, 37, 53);
    Tensor b = random(2, 53, 29);
    same("matmul [2,3,37,53]x[53,29]", OpKind.MATMUL, 1e-4, 1e-4, () -> dev.matmul(a, b), () -> cpu.matmul(a, b));
    Tensor c = random(3, 4, 1, 8, 16);
    Tensor d = random(4, 3, 16, 8);
    same("matmul [4,1,8,16]x[3,16,8] (uneven broadcast)", OpKind.MATMUL, 1e-4, 1e-4, () -> dev.matmul(c, d),
        () -> cpu.matmul(c, d));
    Tensor v = random(5, 53);
    same("matmul [53]x[53,29]", OpKind.MATMUL, 1e-4, 1e-4, () -> dev.matmul(v, b), () -> cpu.matmul(v, b));
    Tensor big = random(6, 512, 384);
    Tensor big2 = random(7, 384, 256);
    same("matmul 512x384x256", OpKind.MATMUL, 1e-3, 1e-4, () -> dev.matmul(big, big2), () -> cpu.matmul(big, big2));
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        Tensor ga = ta ? random(8, 19, 23) : random(8, 23, 19);
        Tensor gb = tb ? random(9, 31, 19) : random(9, 19, 31);
        Tensor gc = random(10, 31);
        same("gemm transA=" + ta + " transB=" + tb + " C [31]", OpKind.GEMM, 1e-4, 1e-4,
            () -> dev.gemm(ga, gb, gc, ta, tb, 0.7f, 1.3f), () -> cpu.gemm(ga, gb, gc, ta, tb, 0.7f, 1.3f));
      }
    }
    Tensor ga = random(11, 23, 19);
    Tensor gb = random(12, 19, 31);
    same("gemm without C", OpKind.GEMM, 1e-4, 1e-4, () -> dev.gemm(ga, gb, null, false, false, 2f, 0f),
        () -> cpu.gemm(ga, gb, null, false, false, 2f, 0f));
  }


  @Test
  void attention() {
    Tensor q = random(70, 2, 4, 33, 16);
    Tensor k = random(71, 2, 4, 47, 16);
    Tensor v = random(72, 2, 4, 47, 24);
    Tensor mask = random(73, 1, 47);
    same("attention default scale", OpKind.ATTENTION, 1e-5, 1e-4, () -> dev.attention(q, k, v, null, Float.NaN),
        () -> cpu.attention(q, k, v, null, Float.NaN));
    same("attention with a broadcast mask", OpKind.ATTENTION, 1e-5, 1e-4, () -> dev.attention(q, k, v, mask, 0.3f),
        () -> cpu.attention(q, k, v, mask, 0.3f));
  }
}
