package dev.worldfx.inference.cuda;

import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The device buffers and host temporaries of one op: inputs uploaded, outputs allocated, all handed back to the pool
 * when the op ends (after the stream has drained: CudaRuntime.run synchronises before the scope closes).
 */
final class OpScope implements AutoCloseable {
  private final Device rt;
  private final Arena temp = Arena.ofConfined();
  private final List<DeviceBuffer> buffers = new ArrayList<>();

  OpScope(Device rt) {
    this.rt = rt;
  }

  /** A device copy of {@code t} as contiguous float32; its address. */
  long upload(Tensor t) {
    Tensor c = t.contiguous(temp);
    long bytes = c.numel() * 4;
    long at = allocate(bytes);
    rt.upload(c.data(), c.offset() * 4, at, bytes);
    return at;
  }

  /** {@code t} as a contiguous float32 tensor in host memory (itself if it already is one). */
  Tensor host(Tensor t) {
    return t.contiguous(temp);
  }

  /** {@code t}'s address on the device, or 0 (a null pointer) for a null tensor. */
  long uploadOrNull(Tensor t) {
    return t == null ? 0L : upload(t);
  }

  /** Small host arrays (shapes, strides, resize taps) as device arrays of the same element type. */
  long upload(long[] values) {
    return uploadSegment(MemorySegment.ofArray(values));
  }

  long upload(int[] values) {
    return uploadSegment(MemorySegment.ofArray(values));
  }

  long upload(double[] values) {
    return uploadSegment(MemorySegment.ofArray(values));
  }

  long upload(float[] values) {
    return uploadSegment(MemorySegment.ofArray(values));
  }

  private long uploadSegment(MemorySegment s) {
    long at = allocate(s.byteSize());
    rt.upload(s, 0, at, s.byteSize());
    return at;
  }

  /** Uninitialised device memory of {@code bytes}. */
  long allocate(long bytes) {
    DeviceBuffer b = rt.allocate(bytes);
    buffers.add(b);
    return b.address();
  }

  /** A device float buffer of {@code elements}, uninitialised. */
  long floats(long elements) {
    return allocate(elements * 4);
  }

  /** A new tensor of {@code shape} in {@code arena} holding the device floats at {@code src}. */
  Tensor download(long src, Arena arena, int... shape) {
    Tensor t = Tensor.zeros(arena, shape);
    long n = t.numel();
    if (n > 0) {
      rt.download(src, t.data(), 0, n * 4);
    }
    return t;
  }

  @Override
  public void close() {
    for (DeviceBuffer b : buffers) {
      b.close();
    }
    buffers.clear();
    temp.close();
  }
}
