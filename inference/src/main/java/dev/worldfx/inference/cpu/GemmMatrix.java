package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.Gemm.MR;
import static dev.worldfx.inference.cpu.Gemm.NR;
import static dev.worldfx.inference.cpu.GemmMicroKernel.S;
import static dev.worldfx.inference.cpu.GemmMicroKernel.V;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * A strided float32 matrix in a memory segment, element (r, c) at {@code offset + r*rowStride + c*colStride}
 * (elements), packed for {@link Gemm} as its A or its B operand. Transposed operands are just swapped
 * strides; the common contiguous layouts get copy loops the JIT vectorises or vector copies.
 */
record GemmMatrix(MemorySegment seg, long offset, long rowStride, long colStride) {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

  /** Row-major [rows, cols] starting at element {@code offset}. */
  static GemmMatrix rowMajor(MemorySegment seg, long offset, long cols) {
    return new GemmMatrix(seg, offset, cols, 1);
  }

  /** This matrix transposed (a view). */
  GemmMatrix transposed() {
    return new GemmMatrix(seg, offset, colStride, rowStride);
  }

  private float at(long r, long c) {
    return seg.get(F32, (offset + r * rowStride + c * colStride) * 4);
  }

  Gemm.PackA asA() {
    return this::packA;
  }

  Gemm.PackB asB() {
    return this::packB;
  }

  private void packA(float[] dst, int off, int m0, int rows, int k0, int kc) {
    for (int p = 0; p * MR < rows; p++) {
      int base = off + p * MR * kc;
      int valid = Math.min(MR, rows - p * MR);
      for (int i = 0; i < MR; i++) {
        if (i >= valid) {
          for (int k = 0; k < kc; k++) {
            dst[base + k * MR + i] = 0;
          }
          continue;
        }
        long r = m0 + p * MR + i;
        if (colStride == 1) {
          long src = (offset + r * rowStride + k0) * 4;
          for (int k = 0; k < kc; k++) {
            dst[base + k * MR + i] = seg.get(F32, src + k * 4L);
          }
        } else {
          for (int k = 0; k < kc; k++) {
            dst[base + k * MR + i] = at(r, k0 + k);
          }
        }
      }
    }
  }

  private void packB(float[] dst, int k0, int kc, int n0, int cols) {
    for (int p = 0; p * NR < cols; p++) {
      int base = p * NR * kc;
      int valid = Math.min(NR, cols - p * NR);
      long c0 = n0 + (long) p * NR;
      if (colStride == 1 && valid == NR) {
        for (int k = 0; k < kc; k++) {
          long src = (offset + (k0 + k) * rowStride + c0) * 4;
          FloatVector.fromMemorySegment(S, seg, src, NATIVE).intoArray(dst, base + k * NR);
          FloatVector.fromMemorySegment(S, seg, src + V * 4L, NATIVE).intoArray(dst, base + k * NR + V);
        }
      } else if (rowStride == 1) {
        // Column-major (a transposed B): each column is contiguous along k.
        for (int j = 0; j < NR; j++) {
          if (j >= valid) {
            for (int k = 0; k < kc; k++) {
              dst[base + k * NR + j] = 0;
            }
            continue;
          }
          long src = (offset + k0 + (c0 + j) * colStride) * 4;
          for (int k = 0; k < kc; k++) {
            dst[base + k * NR + j] = seg.get(F32, src + k * 4L);
          }
        }
      } else {
        for (int k = 0; k < kc; k++) {
          int row = base + k * NR;
          for (int j = 0; j < valid; j++) {
            dst[row + j] = at(k0 + k, c0 + j);
          }
          Arrays.fill(dst, row + valid, row + NR, 0f);
        }
      }
    }
  }
}
