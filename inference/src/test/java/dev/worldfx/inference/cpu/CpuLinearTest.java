package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.GemmParity.abs;
import static dev.worldfx.inference.cpu.GemmParity.assertBitIdentical;
import static dev.worldfx.inference.cpu.GemmParity.assertClose;
import static dev.worldfx.inference.cpu.GemmParity.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** matmul and gemm of the CPU backend against the reference (tolerance: see {@link GemmParity}). */
class CpuLinearTest {
  private final Arena arena = Arena.ofShared();
  private final Ops cpu = new CpuOps(arena);
  private final Ops ref = new ReferenceOps(arena);
  private final Random rnd = new Random(42);

  @AfterEach
  void close() {
    arena.close();
  }

  /** Sizes around the register tile (8 x 32 with 512-bit vectors), the K slice (512) and the column block (256). */
  private static final int[][] GEMM_SIZES = { // M, N, K
      {1, 1, 1}, {1, 17, 5}, {7, 1, 3}, {8, 32, 16}, {9, 33, 17}, {13, 29, 31}, {16, 64, 256}, {17, 65, 257},
      {31, 100, 300}, {64, 600, 40}, {100, 37, 513}, {3, 1030, 9}, {257, 48, 20}, {40, 300, 1100}};

  @Test
  void gemmMatchesTheReferenceAcrossShapesAndFlags() {
    for (int[] s : GEMM_SIZES) {
      int m = s[0], n = s[1], k = s[2];
      for (int flags = 0; flags < 4; flags++) {
        boolean ta = (flags & 1) != 0;
        boolean tb = (flags & 2) != 0;
        Tensor a = ta ? random(arena, rnd, k, m) : random(arena, rnd, m, k);
        Tensor b = tb ? random(arena, rnd, n, k) : random(arena, rnd, k, n);
        checkGemm(a, b, null, ta, tb, 1f, 0f, k, Arrays.toString(s) + " flags " + flags);
      }
    }
  }

  @Test
  void gemmScalesAndAddsEveryBroadcastOfC() {
    int m = 19, n = 45, k = 70;
    Tensor a = random(arena, rnd, m, k);
    Tensor b = random(arena, rnd, k, n);
    int[][] cShapes = {{}, {1}, {n}, {1, n}, {m, 1}, {m, n}, {1, 1}};
    for (int[] cs : cShapes) {
      Tensor c = random(arena, rnd, cs);
      checkGemm(a, b, c, false, false, -0.75f, 2.5f, k, "C " + Arrays.toString(cs));
    }
    checkGemm(a, b, null, false, false, 3f, 9f, k, "no C, alpha 3");
  }

  /**
   * Each element of C is one FMA chain over k ascending, whatever the blocking, the chunking or the
   * threads: so the result equals, bit for bit, the plain loop c = fma(a[i][k], b[k][j], c).
   */
  @Test
  void productIsTheSequentialFmaChainBitForBit() {
    int[][] sizes = { // M, N, K
        {9, 33, 17}, {17, 70, 1100}, // partial tiles; three K slices
        {8, 3, 600_000}, // packs to more than the 2^22 floats held at once: K in chunks, C += each
        {16_400, 5, 3}}; // more rows than one chunk (2^22 / KC = 8192)
    for (int[] s : sizes) {
      int m = s[0], n = s[1], k = s[2];
      Tensor a = random(arena, rnd, m, k);
      Tensor b = random(arena, rnd, k, n);
      float[] av = a.toArray();
      float[] bv = b.toArray();
      float[] expect = new float[m * n];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float c = 0;
          for (int p = 0; p < k; p++) {
            c = Math.fma(av[i * k + p], bv[p * n + j], c);
          }
          expect[i * n + j] = c;
        }
      }
      assertBitIdentical(Tensor.of(arena, expect, m, n), cpu.matmul(a, b), "matmul " + Arrays.toString(s));
    }
  }

  @Test
  void gemmWithEmptyDimensions() {
    Tensor c = random(arena, rnd, 4);
    assertArrayEquals(new float[] {}, cpu.gemm(Tensor.zeros(arena, 0, 3), Tensor.zeros(arena, 3, 4), null, false, false,
        1, 0).toArray());
    Tensor emptyK = cpu.gemm(Tensor.zeros(arena, 5, 0), Tensor.zeros(arena, 0, 4), c, false, false, 1f, 2f);
    assertBitIdentical(ref.gemm(Tensor.zeros(arena, 5, 0), Tensor.zeros(arena, 0, 4), c, false, false, 1f, 2f), emptyK,
        "K = 0 is beta * C");
  }

  @Test
  void gemmReadsStridedViews() {
    Tensor big = random(arena, rnd, 40, 50);
    Tensor a = big.narrow(0, 3, 21).narrow(1, 5, 33); // [21,33], rows 50 apart
    Tensor b = random(arena, rnd, 40, 33).transpose(0, 1); // [33,40] view
    checkGemm(a, b, null, false, false, 1f, 0f, 33, "views");
  }

  @Test
  void gemmRejectsWhatTheReferenceRejects() {
    Tensor m22 = Tensor.zeros(arena, 2, 2);
    assertThrows(IllegalArgumentException.class, () -> cpu.gemm(Tensor.zeros(arena, 2, 3), m22, null, false, false, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> cpu.gemm(m22, m22, Tensor.zeros(arena, 3), false, false, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> cpu.matmul(Tensor.zeros(arena, 2, 3), m22));
  }

  private void checkGemm(Tensor a, Tensor b, Tensor c, boolean ta, boolean tb, float alpha, float beta, int k,
      String what) {
    Tensor expect = ref.gemm(a, b, c, ta, tb, alpha, beta);
    Tensor mag = ref.gemm(abs(arena, a), abs(arena, b), abs(arena, c), ta, tb, Math.abs(alpha), Math.abs(beta));
    assertClose(expect, cpu.gemm(a, b, c, ta, tb, alpha, beta), mag, k, "gemm " + what);
  }

  @Test
  void matmulMatchesTheReferenceWithBroadcastingAndVectors() {
    int[][][] cases = {
        {{5, 7}, {7, 9}}, {{3, 33, 20}, {3, 20, 40}}, {{2, 1, 9, 17}, {3, 17, 35}}, // batch broadcast
        {{2, 3, 10, 12}, {12, 70}}, // shared B: batches stacked into one taller product
        {{10, 12}, {4, 12, 70}}, // shared A
        {{300}, {300, 20}}, {{20, 300}, {300}}, {{65}, {65}}, {{4, 9, 13}, {13}}, {{13}, {2, 13, 6}},
        {{0, 5, 6}, {6, 7}}, {{2, 5, 0}, {2, 0, 3}}};
    for (int[][] c : cases) {
      Tensor a = random(arena, rnd, c[0]);
      Tensor b = random(arena, rnd, c[1]);
      int k = c[0][c[0].length - 1];
      String what = "matmul " + Arrays.toString(c[0]) + " x " + Arrays.toString(c[1]);
      assertClose(ref.matmul(a, b), cpu.matmul(a, b), ref.matmul(abs(arena, a), abs(arena, b)), k, what);
    }
  }

  @Test
  void matmulReadsTransposedViews() {
    Tensor a = random(arena, rnd, 2, 30, 11).transpose(1, 2); // [2,11,30]
    Tensor b = random(arena, rnd, 30, 19);
    assertClose(ref.matmul(a, b), cpu.matmul(a, b), ref.matmul(abs(arena, a), abs(arena, b)), 30, "transposed view");
  }

  @Test
  void sameBitsForAnyThreadCountAndInConfinedArenas() {
    Tensor a = random(arena, rnd, 3, 77, 300);
    Tensor b = random(arena, rnd, 3, 300, 530);
    Tensor first = cpu.matmul(a, b);
    assertBitIdentical(first, cpu.matmul(a, b), "second run");
    for (int threads : new int[] {1, 2, 3, 7}) {
      Tensor out = Tensor.zeros(arena, first.shape());
      java.util.List<Gemm.Problem> problems = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        problems.add(new Gemm.Problem(77, 530, 300, GemmMatrix.rowMajor(a.data(), i * 77 * 300L, 300).asA(),
            GemmMatrix.rowMajor(b.data(), i * 300 * 530L, 530).asB(), out.data(), i * 77 * 530L, 530, null));
      }
      Gemm.run(problems, threads);
      assertBitIdentical(first, out, threads + " threads");
    }
    try (Arena confined = Arena.ofConfined()) {
      Tensor ac = Tensor.of(confined, a.toArray(), a.shape());
      Tensor bc = Tensor.of(confined, b.toArray(), b.shape());
      assertBitIdentical(first, new CpuOps(confined).matmul(ac, bc), "confined arena (one thread)");
    }
  }
}
