package dev.worldfx.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tensor itself: construction, element access, views, contiguity, F16/BF16 storage. */
class TensorTest {
  private final Arena arena = Arena.ofConfined();

  @AfterEach
  void close() {
    arena.close();
  }

  private Tensor iota(int... shape) {
    float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return Tensor.of(arena, v, shape);
  }

  @Test
  void constructionAndShape() {
    Tensor t = iota(2, 3, 4);
    assertArrayEquals(new int[] {2, 3, 4}, t.shape());
    assertArrayEquals(new long[] {12, 4, 1}, t.strides());
    assertEquals(24, t.numel());
    assertEquals(4, t.dim(-1));
    assertEquals(3, t.rank());
    assertEquals(23f, t.get(1, 2, 3));
    assertTrue(t.isContiguous());
    Tensor z = Tensor.zeros(arena, 0, 5);
    assertEquals(0, z.numel());
    assertEquals(0, z.toArray().length);
    Tensor scalar = Tensor.of(arena, new float[] {7});
    assertEquals(0, scalar.rank());
    assertEquals(1, scalar.numel());
    assertEquals(7f, scalar.get());
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(arena, new float[5], 2, 3));
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(arena, 2, -1));
  }

  @Test
  void elementAccessChecksIndices() {
    Tensor t = iota(2, 3);
    t.set(-5, 1, 0);
    assertEquals(-5f, t.getFlat(3));
    t.setFlat(4, 9);
    assertEquals(9f, t.get(1, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> t.get(0, -1));
    assertThrows(IllegalArgumentException.class, () -> t.get(0));
    assertThrows(IndexOutOfBoundsException.class, () -> t.getFlat(6));
  }

  @Test
  void reshapeInfersOneDimension() {
    Tensor t = iota(2, 3, 4);
    assertArrayEquals(new int[] {6, 4}, t.reshape(-1, 4).shape());
    assertArrayEquals(new int[] {2, 12}, t.reshape(2, -1).shape());
    assertArrayEquals(new int[] {24}, t.reshape(-1).shape());
    assertArrayEquals(new int[] {0, 3}, Tensor.zeros(arena, 0, 3).reshape(-1, 3).shape());
    assertEquals(13f, t.reshape(6, 4).get(3, 1), "a reshape shares memory in row-major order");
    assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1));
    assertThrows(IllegalArgumentException.class, () -> t.reshape(5, -1));
    assertThrows(IllegalArgumentException.class, () -> t.reshape(7, 4));
    assertThrows(IllegalStateException.class, () -> t.transpose(0, 1).reshape(24));
  }

  @Test
  void transposeAndNarrowAreViews() {
    Tensor t = iota(2, 3, 4);
    Tensor tr = t.transpose(0, 2); // [4,3,2]
    assertArrayEquals(new int[] {4, 3, 2}, tr.shape());
    assertArrayEquals(new long[] {1, 4, 12}, tr.strides());
    assertEquals(t.get(1, 2, 3), tr.get(3, 2, 1));
    assertFalse(tr.isContiguous());
    tr.set(100, 0, 0, 1);
    assertEquals(100f, t.get(1, 0, 0), "writes through a view reach the original");

    Tensor rows = t.narrow(0, 1, 1); // [1,3,4], contiguous with an offset
    assertEquals(12, rows.offset());
    assertTrue(rows.isContiguous());
    assertEquals(t.get(1, 2, 2), rows.get(0, 2, 2));
    Tensor cols = t.narrow(2, 1, 2); // [2,3,2]
    assertFalse(cols.isContiguous());
    assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, cols.narrow(0, 0, 1).toArray());
    assertEquals(0, t.narrow(1, 3, 0).numel());
    assertThrows(IndexOutOfBoundsException.class, () -> t.narrow(1, 2, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> t.narrow(1, -1, 1));
  }

  @Test
  void contiguousCopiesOnlyWhenNeeded() {
    Tensor t = iota(2, 3);
    assertSame(t, t.contiguous(arena));
    Tensor rows = t.narrow(0, 1, 1);
    assertSame(rows, rows.contiguous(arena), "a contiguous view with an offset is used as it is");
    Tensor c = t.transpose(0, 1).contiguous(arena);
    assertTrue(c.isContiguous());
    assertEquals(0, c.offset());
    assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, c.toArray());
    c.set(-1, 0, 0);
    assertEquals(0f, t.get(0, 0), "the copy does not share memory");
    Tensor f16 = t.to(arena, DType.F16);
    Tensor back = f16.contiguous(arena);
    assertEquals(DType.F32, back.dtype());
    assertArrayEquals(t.toArray(), back.toArray());
  }

  /** IEEE binary16: round to nearest even, overflow to infinity past 65504 + 16, subnormals down to 2^-24. */
  @Test
  void float16RoundTrips() {
    float[] exact = {0, -0f, 1, -2, 0.5f, 65504, -65504, 0x1p-14f, 0x1p-24f, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY};
    assertRoundTrip(DType.F16, exact, exact);
    float[] in = {1 + 0x1p-11f, 1 + 3 * 0x1p-11f, 1 + 0x1p-11f + 0x1p-20f, 65519, 65520, 0x1p-25f, 0x1.8p-25f, 1e-9f};
    float[] out = {1, 1 + 0x1p-9f, 1 + 0x1p-10f, 65504, Float.POSITIVE_INFINITY, 0, 0x1p-24f, 0};
    assertRoundTrip(DType.F16, in, out);
    Tensor nan = Tensor.of(arena, new float[] {Float.NaN}, 1).to(arena, DType.F16);
    assertTrue(Float.isNaN(nan.getFlat(0)));
  }

  /** bfloat16 is the top half of a float32, rounded to nearest even; NaN stays NaN (made quiet), never infinity. */
  @Test
  void bfloat16RoundTrips() {
    float[] exact = {0, -0f, 1, -3, 0x1p-126f, 0x1p-133f, 3.3895314e38f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    assertRoundTrip(DType.BF16, exact, exact);
    float[] in = {1 + 0x1p-8f, 1 + 3 * 0x1p-8f, 1 + 0x1p-8f + 0x1p-20f, -(1 + 0x1p-8f), Float.MAX_VALUE, 3.1415927f};
    float[] out = {1, 1 + 0x1p-6f, 1 + 0x1p-7f, -1, Float.POSITIVE_INFINITY, 3.140625f};
    assertRoundTrip(DType.BF16, in, out);
    for (int bits : new int[] {0x7FC00000, 0x7F800001, 0xFF800001, 0x7FBFFFFF}) {
      Tensor t = Tensor.of(arena, new float[] {Float.intBitsToFloat(bits)}, 1).to(arena, DType.BF16);
      assertTrue(Float.isNaN(t.getFlat(0)), "NaN " + Integer.toHexString(bits) + " stays NaN in bf16");
    }
  }

  private void assertRoundTrip(DType type, float[] in, float[] expected) {
    Tensor t = Tensor.of(arena, in, in.length).to(arena, type);
    assertEquals(type, t.dtype());
    assertEquals(2L * in.length, t.data().byteSize(), "two bytes an element");
    for (int i = 0; i < in.length; i++) {
      assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(t.getFlat(i)),
          type + " of " + in[i] + ": expected " + expected[i] + ", got " + t.getFlat(i));
    }
  }

  @Test
  void wrapChecksTheSegmentSize() {
    MemorySegment seg = arena.allocate(16);
    Tensor t = Tensor.wrap(seg, DType.F16, 2, 4);
    assertEquals(8, t.numel());
    assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(seg, DType.F32, 5));
  }

  /** Model files place tensors at any byte offset; a mapped F32 tensor need not be 4-byte aligned. */
  @Test
  void unalignedF32DataIsReadable() {
    MemorySegment seg = arena.allocate(4 * 4 + 2, 8).asSlice(2);
    for (int i = 0; i < 4; i++) {
      seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, i * 4L, i + 0.5f);
    }
    Tensor t = Tensor.wrap(seg, DType.F32, 2, 2);
    assertEquals(2.5f, t.get(1, 0));
    assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f}, t.toArray());
  }
}
