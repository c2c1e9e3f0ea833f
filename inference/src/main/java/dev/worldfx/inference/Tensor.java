package dev.worldfx.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * An n-dimensional array: a shape, element strides and an offset over a memory segment.
 * Images are NCHW. Ops take F32 tensors and make contiguous outputs; {@link #contiguous}
 * and {@link #toF32} give them that form. Views (reshape, transpose, narrow) share memory.
 */
public final class Tensor {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

  private final MemorySegment data;
  private final DType dtype;
  private final int[] shape;
  private final long[] strides; // in elements
  private final long offset; // in elements

  private Tensor(MemorySegment data, DType dtype, int[] shape, long[] strides, long offset) {
    this.data = data;
    this.dtype = dtype;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
  }

  // --- construction -------------------------------------------------------------------

  public static Tensor zeros(Arena arena, int... shape) {
    return allocate(arena, DType.F32, shape);
  }

  public static Tensor allocate(Arena arena, DType dtype, int... shape) {
    int[] s = shape.clone();
    long n = numel(s);
    MemorySegment seg = arena.allocate(Math.max(1, n) * dtype.byteSize(), 64);
    return new Tensor(seg, dtype, s, contiguousStrides(s), 0);
  }

  /** A tensor holding a copy of {@code values} (row-major). */
  public static Tensor of(Arena arena, float[] values, int... shape) {
    if (numel(shape) != values.length) {
      throw new IllegalArgumentException(values.length + " values do not fill shape " + Arrays.toString(shape));
    }
    Tensor t = zeros(arena, shape);
    MemorySegment.copy(values, 0, t.data, ValueLayout.JAVA_FLOAT, 0, values.length);
    return t;
  }

  /** Wraps existing memory (a mapped model file, say) without copying. */
  public static Tensor wrap(MemorySegment data, DType dtype, int... shape) {
    int[] s = shape.clone();
    if (numel(s) * dtype.byteSize() > data.byteSize()) {
      throw new IllegalArgumentException("segment of " + data.byteSize() + " bytes is too small for " + dtype + " "
          + Arrays.toString(s));
    }
    return new Tensor(data, dtype, s, contiguousStrides(s), 0);
  }

  // --- shape ----------------------------------------------------------------------------

  public int[] shape() {
    return shape.clone();
  }

  public int dim(int axis) {
    return shape[axis < 0 ? axis + shape.length : axis];
  }

  public int rank() {
    return shape.length;
  }

  public long numel() {
    return numel(shape);
  }

  public DType dtype() {
    return dtype;
  }

  public long[] strides() {
    return strides.clone();
  }

  public long offset() {
    return offset;
  }

  /** The backing memory; element i of a contiguous F32 tensor is at byte (offset + i) * 4. */
  public MemorySegment data() {
    return data;
  }

  public static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n *= d;
    }
    return n;
  }

  public static long[] contiguousStrides(int[] shape) {
    long[] st = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      st[i] = s;
      s *= shape[i];
    }
    return st;
  }

  public boolean isContiguous() {
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] != 1 && strides[i] != s) {
        return false;
      }
      s *= shape[i];
    }
    return true;
  }

  // --- element access (for references and tests; kernels use data() directly) ----------

  private long index(int... idx) {
    if (idx.length != shape.length) {
      throw new IllegalArgumentException("index of rank " + idx.length + " for a tensor of rank " + shape.length);
    }
    long e = offset;
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= shape[i]) {
        throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " outside " + Arrays.toString(shape));
      }
      e += idx[i] * strides[i];
    }
    return e;
  }

  public float get(int... idx) {
    return load(index(idx));
  }

  public void set(float v, int... idx) {
    store(index(idx), v);
  }

  /** Element i in row-major order of the shape, whatever the strides. */
  public float getFlat(long i) {
    return load(flatToElement(i));
  }

  public void setFlat(long i, float v) {
    store(flatToElement(i), v);
  }

  private long flatToElement(long i) {
    if (i < 0 || i >= numel()) {
      throw new IndexOutOfBoundsException(i + " outside " + numel() + " elements");
    }
    long e = offset;
    for (int d = shape.length - 1; d >= 0; d--) {
      e += (i % shape[d]) * strides[d];
      i /= shape[d];
    }
    return e;
  }

  private float load(long element) {
    return switch (dtype) {
      case F32 -> data.get(F32, element * 4);
      case F16 -> Float.float16ToFloat(data.get(U16, element * 2));
      case BF16 -> Float.intBitsToFloat((data.get(U16, element * 2) & 0xFFFF) << 16);
    };
  }

  private void store(long element, float v) {
    switch (dtype) {
      case F32 -> data.set(F32, element * 4, v);
      case F16 -> data.set(U16, element * 2, Float.floatToFloat16(v));
      case BF16 -> data.set(U16, element * 2, bf16(v));
    }
  }

  /** Round-to-nearest-even float32 -> bfloat16 bits (NaN kept quiet). */
  static short bf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  public float[] toArray() {
    float[] out = new float[Math.toIntExact(numel())];
    if (dtype == DType.F32 && isContiguous()) {
      MemorySegment.copy(data, F32, offset * 4, out, 0, out.length); // mapped model files need not be aligned
      return out;
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = getFlat(i);
    }
    return out;
  }

  // --- views and conversions --------------------------------------------------------------

  /** A view with a new shape (one dimension may be -1); needs a contiguous tensor. */
  public Tensor reshape(int... newShape) {
    int[] s = newShape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException("two -1 dimensions in " + Arrays.toString(newShape));
        }
        infer = i;
      } else {
        known *= s[i];
      }
    }
    if (infer >= 0) {
      s[infer] = known == 0 ? 0 : Math.toIntExact(numel() / known);
    }
    if (numel(s) != numel()) {
      throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
    }
    if (!isContiguous()) {
      throw new IllegalStateException("reshape of a non-contiguous tensor: call contiguous() first");
    }
    return new Tensor(data, dtype, s, contiguousStrides(s), offset);
  }

  private int axis(int a) {
    int r = a < 0 ? a + shape.length : a;
    if (r < 0 || r >= shape.length) {
      throw new IllegalArgumentException("axis " + a + " out of range for rank " + shape.length);
    }
    return r;
  }

  /** A view with two axes swapped (negative axes count from the end). */
  public Tensor transpose(int a, int b) {
    a = axis(a);
    b = axis(b);
    int[] s = shape.clone();
    long[] st = strides.clone();
    int t = s[a];
    s[a] = s[b];
    s[b] = t;
    long u = st[a];
    st[a] = st[b];
    st[b] = u;
    return new Tensor(data, dtype, s, st, offset);
  }

  /** A view of {@code length} entries of {@code axis} starting at {@code start}. */
  public Tensor narrow(int axis, int start, int length) {
    axis = axis(axis);
    if (start < 0 || length < 0 || start > shape[axis] || length > shape[axis] - start) {
      throw new IndexOutOfBoundsException("narrow(" + axis + ", " + start + ", " + length + ") of " + Arrays.toString(shape));
    }
    int[] s = shape.clone();
    s[axis] = length;
    return new Tensor(data, dtype, s, strides, offset + start * strides[axis]);
  }

  /** This tensor if it is contiguous F32, else a contiguous F32 copy. */
  public Tensor contiguous(Arena arena) {
    if (dtype == DType.F32 && isContiguous()) {
      return this;
    }
    Tensor out = zeros(arena, shape);
    long n = numel();
    for (long i = 0; i < n; i++) {
      out.data.set(F32, i * 4, getFlat(i));
    }
    return out;
  }

  /** Same as {@link #contiguous}: compute always happens in float32. */
  public Tensor toF32(Arena arena) {
    return contiguous(arena);
  }

  /** A copy in another storage type (F16 or BF16 for weights). */
  public Tensor to(Arena arena, DType target) {
    Tensor out = allocate(arena, target, shape);
    long n = numel();
    for (long i = 0; i < n; i++) {
      out.setFlat(i, getFlat(i));
    }
    return out;
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape) + " " + dtype;
  }
}
