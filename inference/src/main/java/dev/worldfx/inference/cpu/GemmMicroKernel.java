package dev.worldfx.inference.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tile of {@link Gemm}: an MR x NR block of C held in MR * 2 vector accumulators
 * (NR = two vectors), updated by one broadcast of A and two vector loads of B per row and k.
 * Written out by hand because the JIT keeps named locals, not arrays, in registers.
 */
final class GemmMicroKernel {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int V = S.length();
  static final int MR = 8;
  static final int NR = 2 * V;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

  private GemmMicroKernel() {}

  /**
   * C tile (at byte {@code c0} of {@code c}, rows {@code ldc} bytes apart) = (accumulate ? C tile : 0)
   * + sum over k < kc of a[aOff + k*MR + i] * b[bOff + k*NR + j], k ascending.
   */
  static void tile(float[] a, int aOff, float[] b, int bOff, int kc, MemorySegment c, long c0, long ldc,
      boolean accumulate) {
    FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
    if (accumulate) {
      c00 = FloatVector.fromMemorySegment(S, c, c0, NATIVE);
      c01 = FloatVector.fromMemorySegment(S, c, c0 + V * 4L, NATIVE);
      c10 = FloatVector.fromMemorySegment(S, c, c0 + ldc, NATIVE);
      c11 = FloatVector.fromMemorySegment(S, c, c0 + ldc + V * 4L, NATIVE);
      c20 = FloatVector.fromMemorySegment(S, c, c0 + 2 * ldc, NATIVE);
      c21 = FloatVector.fromMemorySegment(S, c, c0 + 2 * ldc + V * 4L, NATIVE);
      c30 = FloatVector.fromMemorySegment(S, c, c0 + 3 * ldc, NATIVE);
      c31 = FloatVector.fromMemorySegment(S, c, c0 + 3 * ldc + V * 4L, NATIVE);
      c40 = FloatVector.fromMemorySegment(S, c, c0 + 4 * ldc, NATIVE);
      c41 = FloatVector.fromMemorySegment(S, c, c0 + 4 * ldc + V * 4L, NATIVE);
      c50 = FloatVector.fromMemorySegment(S, c, c0 + 5 * ldc, NATIVE);
      c51 = FloatVector.fromMemorySegment(S, c, c0 + 5 * ldc + V * 4L, NATIVE);
      c60 = FloatVector.fromMemorySegment(S, c, c0 + 6 * ldc, NATIVE);
      c61 = FloatVector.fromMemorySegment(S, c, c0 + 6 * ldc + V * 4L, NATIVE);
      c70 = FloatVector.fromMemorySegment(S, c, c0 + 7 * ldc, NATIVE);
      c71 = FloatVector.fromMemorySegment(S, c, c0 + 7 * ldc + V * 4L, NATIVE);
    } else {
      FloatVector z = FloatVector.zero(S);
      c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z; c40 = z; c41 = z; c50 = z; c51 = z; c60 = z; c61 = z; c70 = z; c71 = z;
    }
    for (int k = 0, ai = aOff, bi = bOff; k < kc; k++, ai += MR, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
      FloatVector a0 = FloatVector.broadcast(S, a[ai + 0]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
    }
    c00.intoMemorySegment(c, c0, NATIVE);
    c01.intoMemorySegment(c, c0 + V * 4L, NATIVE);
    c10.intoMemorySegment(c, c0 + ldc, NATIVE);
    c11.intoMemorySegment(c, c0 + ldc + V * 4L, NATIVE);
    c20.intoMemorySegment(c, c0 + 2 * ldc, NATIVE);
    c21.intoMemorySegment(c, c0 + 2 * ldc + V * 4L, NATIVE);
    c30.intoMemorySegment(c, c0 + 3 * ldc, NATIVE);
    c31.intoMemorySegment(c, c0 + 3 * ldc + V * 4L, NATIVE);
    c40.intoMemorySegment(c, c0 + 4 * ldc, NATIVE);
    c41.intoMemorySegment(c, c0 + 4 * ldc + V * 4L, NATIVE);
    c50.intoMemorySegment(c, c0 + 5 * ldc, NATIVE);
    c51.intoMemorySegment(c, c0 + 5 * ldc + V * 4L, NATIVE);
    c60.intoMemorySegment(c, c0 + 6 * ldc, NATIVE);
    c61.intoMemorySegment(c, c0 + 6 * ldc + V * 4L, NATIVE);
    c70.intoMemorySegment(c, c0 + 7 * ldc, NATIVE);
    c71.intoMemorySegment(c, c0 + 7 * ldc + V * 4L, NATIVE);
  }
}
