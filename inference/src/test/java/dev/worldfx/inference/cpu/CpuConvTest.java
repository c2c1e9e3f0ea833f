package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.GemmParity.abs;
import static dev.worldfx.inference.cpu.GemmParity.assertBitIdentical;
import static dev.worldfx.inference.cpu.GemmParity.assertClose;
import static dev.worldfx.inference.cpu.GemmParity.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.ConvGeometry;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The four conv ops of the CPU backend against the reference on geometries that reach every path:
 * im2col, pointwise (1x1) GEMM, direct depthwise, col2im, and the tails of the register tile.
 * Tolerance: the proven bound of {@link GemmParity} with n = the number of products summed per output.
 */
class CpuConvTest {
  private final Arena arena = Arena.ofShared();
  private final Ops cpu = new CpuOps(arena);
  private final Ops ref = new ReferenceOps(arena);
  private final Random rnd = new Random(7);

  @AfterEach
  void close() {
    arena.close();
  }

  private static final int[][] GEOMETRIES = { // N, C, H, W, O, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, groups
      {1, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // 3x3 same padding
      {2, 4, 8, 8, 6, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2}, // groups, stride 2, asymmetric pads
      {1, 6, 10, 9, 6, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 6}, // depthwise, dilation 2
      {2, 4, 7, 12, 8, 5, 3, 1, 2, 2, 0, 1, 1, 1, 1, 4}, // depthwise with 2 filters per channel, stride (1,2)
      {2, 3, 6, 50, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3}, // depthwise, rows long enough for the vector loops
      {1, 5, 11, 40, 10, 3, 3, 2, 2, 1, 0, 1, 2, 1, 2, 5}, // depthwise, stride 2, dilation (1,2), 2 filters each
      {1, 16, 5, 37, 24, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1}, // pointwise
      {2, 8, 6, 6, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2}, // grouped pointwise
      {1, 5, 13, 40, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // 33 output channels: a partial row tile
      {1, 2, 6, 7, 3, 2, 4, 3, 2, 0, 3, 2, 1, 2, 1, 1}, // stride 3, pads wider than the kernel reach
      {1, 40, 12, 12, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // K = 360: two K slices
      {3, 1, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // one input channel, not grouped
      {1, 4, 5, 5, 4, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1}, // 1x1 with stride: im2col, not pointwise
      {1, 4, 30, 70, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // panels that straddle output rows
      {1, 3, 4, 6, 5, 1, 1, 1, 1, 0, 0, 0, 0, 2, 3, 1}, // 1x1 with dilation: as a transposed conv, output padding
      {0, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}}; // empty batch

  private static Conv2dParams params(int[] k, int oph, int opw) {
    return new Conv2dParams(k[7], k[8], k[9], k[10], k[11], k[12], k[13], k[14], k[15], oph, opw);
  }

  private static String name(int[] k) {
    return Arrays.toString(k);
  }

  @Test
  void conv2dMatchesTheReference() {
    for (int[] k : GEOMETRIES) {
      Conv2dParams p = params(k, 0, 0);
      Tensor x = random(arena, rnd, k[0], k[1], k[2], k[3]);
      Tensor w = random(arena, rnd, k[4], k[1] / k[15], k[5], k[6]);
      Tensor b = random(arena, rnd, k[4]);
      long terms = (long) k[1] / k[15] * k[5] * k[6];
      for (Tensor bias : new Tensor[] {b, null}) {
        assertClose(ref.conv2d(x, w, bias, p), cpu.conv2d(x, w, bias, p),
            ref.conv2d(abs(arena, x), abs(arena, w), abs(arena, bias), p), terms, "conv2d " + name(k));
      }
    }
  }

  @Test
  void convTranspose2dMatchesTheReference() {
    for (int[] k : GEOMETRIES) {
      // Read the geometry as a transposed conv: x [N,C,H,W], w [C,O/g,kh,kw]; output padding where allowed.
      int oph = Math.max(k[7], k[13]) - 1;
      int opw = Math.max(k[8], k[14]) - 1;
      Conv2dParams p = params(k, oph, opw);
      Tensor x = random(arena, rnd, k[0], k[1], k[2], k[3]);
      Tensor w = random(arena, rnd, k[1], k[4] / k[15], k[5], k[6]);
      Tensor bias = random(arena, rnd, k[4]);
      long terms = (long) k[1] / k[15] * k[5] * k[6];
      assertClose(ref.convTranspose2d(x, w, bias, p), cpu.convTranspose2d(x, w, bias, p),
          ref.convTranspose2d(abs(arena, x), abs(arena, w), abs(arena, bias), p), terms, "convTranspose2d " + name(k));
    }
  }

  @Test
  void backwardOpsMatchTheReference() {
    for (int[] k : GEOMETRIES) {
      Conv2dParams p = params(k, 0, 0);
      Tensor x = random(arena, rnd, k[0], k[1], k[2], k[3]);
      Tensor w = random(arena, rnd, k[4], k[1] / k[15], k[5], k[6]);
      Tensor gy = random(arena, rnd, ref.conv2d(x, w, null, p).shape());
      long inputTerms = (long) k[4] / k[15] * k[5] * k[6];
      assertClose(ref.conv2dBackwardInput(gy, w, x.shape(), p), cpu.conv2dBackwardInput(gy, w, x.shape(), p),
          ref.conv2dBackwardInput(abs(arena, gy), abs(arena, w), x.shape(), p), inputTerms,
          "conv2dBackwardInput " + name(k));
      long weightTerms = Math.max(1, (long) gy.dim(0) * gy.dim(2) * gy.dim(3));
      assertClose(ref.conv2dBackwardWeight(x, gy, w.shape(), p), cpu.conv2dBackwardWeight(x, gy, w.shape(), p),
          ref.conv2dBackwardWeight(abs(arena, x), abs(arena, gy), w.shape(), p), weightTerms,
          "conv2dBackwardWeight " + name(k));
    }
  }

  @Test
  void col2imInBandsOfRowsGivesTheSameBits() {
    int[] k = GEOMETRIES[1];
    Conv2dParams p = params(k, 1, 1);
    Tensor x = random(arena, rnd, k[0], k[1], k[2], k[3]);
    Tensor w = random(arena, rnd, k[1], k[4] / k[15], k[5], k[6]);
    Tensor bias = random(arena, rnd, k[4]);
    ConvGeometry g = ConvGeometry.transpose(x.shape(), w.shape(), bias.shape(), p);
    OpContext ctx = new OpContext(arena, cpu, ref);
    Tensor whole = CpuConv.inputGradient(ctx, x, w, bias, g, Integer.MAX_VALUE);
    for (int colsMax : new int[] {1, 50, 200}) {
      assertBitIdentical(whole, CpuConv.inputGradient(ctx, x, w, bias, g, colsMax), "bands for " + colsMax + " floats");
    }
  }

  @Test
  void sameBitsOnOneThreadAndOnAll() {
    int[] k = {2, 24, 33, 47, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    Conv2dParams p = params(k, 0, 0);
    Tensor x = random(arena, rnd, k[0], k[1], k[2], k[3]);
    Tensor w = random(arena, rnd, k[4], k[1], k[5], k[6]);
    Tensor b = random(arena, rnd, k[4]);
    Tensor y = cpu.conv2d(x, w, b, p);
    Tensor gy = random(arena, rnd, y.shape());
    Tensor dx = cpu.conv2dBackwardInput(gy, w, x.shape(), p);
    Tensor dw = cpu.conv2dBackwardWeight(x, gy, w.shape(), p);
    Tensor dwk = random(arena, rnd, 24, 1, 3, 3);
    Tensor dwise = cpu.conv2d(x, dwk, b.narrow(0, 0, 24), p.withGroups(24));
    try (Arena confined = Arena.ofConfined()) { // confined memory: everything runs on this thread
      Ops one = new CpuOps(confined);
      Tensor xc = copy(confined, x);
      Tensor wc = copy(confined, w);
      Tensor gc = copy(confined, gy);
      assertBitIdentical(y, one.conv2d(xc, wc, copy(confined, b), p), "conv2d");
      assertBitIdentical(dx, one.conv2dBackwardInput(gc, wc, x.shape(), p), "backward input");
      assertBitIdentical(dw, one.conv2dBackwardWeight(xc, gc, w.shape(), p), "backward weight");
      assertBitIdentical(dwise, one.conv2d(xc, copy(confined, dwk), copy(confined, b.narrow(0, 0, 24)), p.withGroups(24)),
          "depthwise");
    }
  }

  private static Tensor copy(Arena arena, Tensor t) {
    return Tensor.of(arena, t.toArray(), t.shape());
  }

  @Test
  void rejectsWhatTheReferenceRejects() {
    Tensor x = Tensor.zeros(arena, 1, 4, 5, 5);
    assertThrows(IllegalArgumentException.class,
        () -> cpu.conv2d(x, Tensor.zeros(arena, 3, 2, 3, 3), null, Conv2dParams.of(1, 1).withGroups(2)));
    assertThrows(IllegalArgumentException.class, () -> cpu.convTranspose2d(x, Tensor.zeros(arena, 4, 2, 3, 3), null,
        new Conv2dParams(2, 2, 0, 0, 0, 0, 1, 1, 1, 2, 0)));
    assertThrows(IllegalArgumentException.class, () -> cpu.conv2dBackwardInput(Tensor.zeros(arena, 1, 2, 4, 4),
        Tensor.zeros(arena, 2, 4, 3, 3), x.shape(), Conv2dParams.of(1, 1)));
    assertArrayEquals(new int[] {0, 4, 5, 5}, cpu.conv2dBackwardInput(Tensor.zeros(arena, 0, 2, 5, 5),
        Tensor.zeros(arena, 2, 4, 3, 3), new int[] {0, 4, 5, 5}, Conv2dParams.of(1, 1)).shape());
  }
}
