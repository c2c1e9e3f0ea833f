package dev.worldfx.inference.cpu;

import dev.worldfx.inference.DType;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.SpatialShapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * The data-movement ops (pad, concat, slice, pixel shuffle) as copies of strided blocks: every one is a block of
 * the input, seen through some strides, landing in a block of the output. Inputs are read through their own strides
 * (views need no contiguous copy); runs contiguous on both sides move as bulk memory copies. No arithmetic, so the
 * results are exact.
 */
final class SpatialCopy {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  /** Floats per parallel task of a copy; smaller copies stay on the calling thread. */
  private static final long CHUNK = 1 << 18;

  private SpatialCopy() {}

  static Tensor pixelShuffle(OpContext ctx, Tensor x, int r, int threads) {
    Tensor out = Tensor.zeros(ctx.arena(), SpatialShapes.pixelShuffle(x, r)); // [N,C,H*r,W*r]
    Tensor in = f32(ctx, x); // [N,C*r*r,H,W]
    long[] st = in.strides();
    // The output as [N,C,H,r,W,r] in order is the input as [N,C,r,r,H,W] read with its middle axes permuted.
    int[] shape = {in.dim(0), out.dim(1), in.dim(2), r, in.dim(3), r};
    long[] src = {st[0], st[1] * r * r, st[2], st[1] * r, st[3], st[1]};
    copy(in.data(), in.offset(), src, out.data(), 0, Tensor.contiguousStrides(shape), shape, threads);
    return out;
  }

  static Tensor pad(OpContext ctx, Tensor x, int[] pads, Ops.PadMode mode, float value, int threads) {
    SpatialShapes.Pad g = SpatialShapes.pad(x.shape(), pads, mode);
    int r = x.rank();
    int[] os = g.outShape();
    int[] kept = g.kept();
    int[] before = g.before();
    Tensor in = f32(ctx, x);
    Tensor out = Tensor.zeros(ctx.arena(), os);
    if (out.numel() == 0) {
      return out;
    }
    long[] ist = in.strides();
    long[] ost = out.strides();
    long src = in.offset();
    long dst = 0;
    for (int d = 0; d < r; d++) {
      src += g.crop()[d] * ist[d];
      dst += before[d] * ost[d];
    }
    copy(in.data(), src, ist, out.data(), dst, ost, kept, threads);
    // Borders axis by axis from the innermost: when axis d is done, axes after it are already full width, so each
    // border position along d is one contiguous hyperplane of ost[d] floats.
    MemorySegment o = out.data();
    int[] idx = new int[r];
    for (int d = r - 1; d >= 0; d--) {
      if (os[d] == kept[d]) {
        continue;
      }
      long outer = 1;
      for (int k = 0; k < d; k++) {
        outer *= kept[k];
      }
      Arrays.fill(idx, 0);
      for (long i = 0; i < outer; i++) {
        long base = 0;
        for (int k = 0; k < d; k++) {
          base += (before[k] + idx[k]) * ost[k];
        }
        for (int p = 0; p < os[d]; p++) {
          int k = p - before[d]; // position relative to the kept block
          if (k == 0 && kept[d] > 0) {
            p += kept[d] - 1; // skip the kept block
            continue;
          }
          long at = base + p * ost[d];
          if (mode == Ops.PadMode.CONSTANT) {
            fill(o, at, ost[d], value);
          } else {
            copyRun(o, base + (before[d] + SpatialShapes.padSource(k, kept[d], mode)) * ost[d], 1, o, at, 1, ost[d]);
          }
        }
        for (int k = d - 1; k >= 0 && ++idx[k] == kept[k]; k--) {
          idx[k] = 0;
        }
      }
    }
    return out;
  }

  static Tensor concat(OpContext ctx, List<Tensor> xs, int axis, int threads) {
    SpatialShapes.Concat g = SpatialShapes.concat(xs, axis);
    Tensor out = Tensor.zeros(ctx.arena(), g.outShape());
    long[] ost = out.strides();
    long at = 0;
    for (Tensor t : xs) {
      Tensor in = f32(ctx, t);
      copy(in.data(), in.offset(), in.strides(), out.data(), at * ost[g.axis()], ost, in.shape(), threads);
      at += in.dim(g.axis());
    }
    return out;
  }

  static Tensor slice(OpContext ctx, Tensor x, int[] starts, int[] ends, int[] axes, int[] steps, int threads) {
    SpatialShapes.Slice g = SpatialShapes.slice(x.shape(), starts, ends, axes, steps);
    Tensor in = f32(ctx, x);
    long[] ist = in.strides();
    long src = in.offset();
    long[] sst = new long[ist.length]; // the slice's strides, in input elements
    for (int d = 0; d < ist.length; d++) {
      src += g.first()[d] * ist[d];
      sst[d] = ist[d] * g.step()[d];
    }
    Tensor out = Tensor.zeros(ctx.arena(), g.outShape());
    copy(in.data(), src, sst, out.data(), 0, out.strides(), g.outShape(), threads);
    return out;
  }

  /** F32 tensors are read in place through their strides; other storage types are converted first. */
  private static Tensor f32(OpContext ctx, Tensor t) {
    return t.dtype() == DType.F32 ? t : t.contiguous(ctx.arena());
  }

  // --- strided block copy -------------------------------------------------------------------------

  /**
   * Copies the block {@code shape} from src (element offset and strides, any sign) to dst. Axes of length 1 are
   * dropped and neighbouring axes merged where both sides are contiguous across them, so the innermost run is as
   * long as possible.
   */
  static void copy(MemorySegment src, long srcOffset, long[] srcStrides, MemorySegment dst, long dstOffset,
      long[] dstStrides, int[] shape, int threads) {
    int r = shape.length;
    long[] size = new long[r + 1];
    long[] ss = new long[r + 1];
    long[] ds = new long[r + 1];
    int m = 0;
    for (int d = 0; d < r; d++) {
      if (shape[d] == 0) {
        return;
      }
      if (shape[d] == 1) {
        continue;
      }
      if (m > 0 && ss[m - 1] == srcStrides[d] * shape[d] && ds[m - 1] == dstStrides[d] * shape[d]) {
        size[m - 1] *= shape[d];
        ss[m - 1] = srcStrides[d];
        ds[m - 1] = dstStrides[d];
      } else {
        size[m] = shape[d];
        ss[m] = srcStrides[d];
        ds[m] = dstStrides[d];
        m++;
      }
    }
    if (m == 0) { // a single element
      size[0] = 1;
      ss[0] = 1;
      ds[0] = 1;
      m = 1;
    }
    int dims = m;
    int last = dims - 1;
    if (ss[last] != 1 || ds[last] != 1) {
      // Any axis order copies the same block: make the innermost run the longest one with a unit stride on one
      // side (pixel shuffle: a whole input row scattered with stride r, rather than r floats gathered).
      int best = last;
      for (int d = 0; d < last; d++) {
        if ((ss[d] == 1 || ds[d] == 1) && size[d] > size[best]) {
          best = d;
        }
      }
      swap(size, best, last);
      swap(ss, best, last);
      swap(ds, best, last);
    }
    long run = size[last];
    long runs = 1;
    for (int d = 0; d < last; d++) {
      runs *= size[d];
    }
    // A task copies CHUNK floats or so: several short runs, or one piece of a long run.
    long pieces = (run + CHUNK - 1) / CHUNK;
    long runsPerTask = pieces > 1 ? 1 : Math.max(1, CHUNK / run);
    int tasks = Math.toIntExact(pieces > 1 ? runs * pieces : (runs + runsPerTask - 1) / runsPerTask);
    long totalRuns = runs;
    CpuThreads.forEach(tasks, CpuThreads.threadsFor(threads, src, dst), t -> {
      long first = pieces > 1 ? t / pieces : t * runsPerTask;
      long end = Math.min(totalRuns, first + runsPerTask);
      long[] idx = new long[dims];
      long rest = first;
      long so = srcOffset;
      long dof = dstOffset;
      for (int d = last - 1; d >= 0; d--) {
        idx[d] = rest % size[d];
        rest /= size[d];
        so += idx[d] * ss[d];
        dof += idx[d] * ds[d];
      }
      if (pieces > 1) {
        long from = t % pieces * CHUNK;
        copyRun(src, so + from * ss[last], ss[last], dst, dof + from * ds[last], ds[last], Math.min(CHUNK, run - from));
        return;
      }
      for (long i = first; i < end; i++) {
        copyRun(src, so, ss[last], dst, dof, ds[last], run);
        for (int d = last - 1; d >= 0; d--) { // odometer step, undoing the axes that wrap
          so += ss[d];
          dof += ds[d];
          if (++idx[d] < size[d]) {
            break;
          }
          so -= size[d] * ss[d];
          dof -= size[d] * ds[d];
          idx[d] = 0;
        }
      }
    });
  }

  private static void swap(long[] a, int i, int j) {
    long t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** Copies n floats at element offsets so + i * ss to do + i * ds. */
  private static void copyRun(MemorySegment src, long so, long ss, MemorySegment dst, long dof, long ds, long n) {
    if (ss == 1 && ds == 1) {
      MemorySegment.copy(src, so * 4, dst, dof * 4, n * 4);
      return;
    }
    for (long i = 0; i < n; i++) {
      dst.set(F32, (dof + i * ds) * 4, src.get(F32, (so + i * ss) * 4));
    }
  }

  /** Sets n floats from element offset at to value, doubling the filled prefix with bulk copies. */
  private static void fill(MemorySegment seg, long at, long n, float value) {
    if (Float.floatToRawIntBits(value) == 0) {
      seg.asSlice(at * 4, n * 4).fill((byte) 0);
      return;
    }
    long done = Math.min(n, 16);
    for (long i = 0; i < done; i++) {
      seg.set(F32, (at + i) * 4, value);
    }
    while (done < n) {
      long k = Math.min(done, n - done);
      MemorySegment.copy(seg, at * 4, seg, (at + done) * 4, k * 4);
      done += k;
    }
  }
}
