package dev.worldfx.inference.cpu;

import dev.worldfx.inference.DType;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
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
    if (x.rank() != 4 || r < 1 || x.dim(1) % (r * r) != 0) {
      throw new IllegalArgumentException("pixelShuffle: " + Arrays.toString(x.shape()) + " is not [N,C*r*r,H,W] for r = " + r);
    }
    Tensor in = f32(ctx, x);
    int n = in.dim(0);
    int c = in.dim(1) / (r * r);
    int h = in.dim(2);
    int w = in.dim(3);
    long[] st = in.strides();
    Tensor out = Tensor.zeros(ctx.arena(), n, c, h * r, w * r);
    // The output [N,C,H,r,W,r] in order is the input [N,C,r,r,H,W] read with its middle axes permuted.
    int[] shape = {n, c, h, r, w, r};
    long[] src = {st[0], st[1] * r * r, st[2], st[1] * r, st[3], st[1]};
    copy(in.data(), in.offset(), src, out.data(), 0, Tensor.contiguousStrides(shape), shape, threads);
    return out;
  }

  static Tensor pad(OpContext ctx, Tensor x, int[] pads, Ops.PadMode mode, float value, int threads) {
    int[] s = x.shape();
    int r = s.length;
    if (pads.length != 2 * r) {
      throw new IllegalArgumentException("pad: " + pads.length + " pads for rank " + r + " (need begins then ends, 2 per axis)");
    }
    // Negative pads crop first; the positive ones then pad the cropped tensor (edge and reflect use its borders).
    int[] crop = new int[r]; // first kept input index per axis
    int[] len = new int[r]; // kept input length
    int[] before = new int[r]; // output positions before the kept block
    int[] os = new int[r];
    for (int d = 0; d < r; d++) {
      crop[d] = Math.max(0, -pads[d]);
      len[d] = s[d] - crop[d] - Math.max(0, -pads[d + r]);
      if (len[d] < 0) {
        throw new IllegalArgumentException("pad: pads " + Arrays.toString(pads) + " crop axis " + d + " of "
            + Arrays.toString(s) + " below zero");
      }
      before[d] = Math.max(0, pads[d]);
      os[d] = Math.addExact(len[d], before[d] + Math.max(0, pads[d + r]));
      if (mode != Ops.PadMode.CONSTANT && len[d] == 0 && os[d] > 0) {
        throw new IllegalArgumentException("pad: " + mode + " padding needs a non-empty axis " + d + " in "
            + Arrays.toString(s));
      }
    }
    Tensor in = f32(ctx, x);
    Tensor out = Tensor.zeros(ctx.arena(), os);
    if (out.numel() == 0) {
      return out;
    }
    long[] ist = in.strides();
    long[] ost = Tensor.contiguousStrides(os);
    long src = in.offset();
    long dst = 0;
    for (int d = 0; d < r; d++) {
      src += crop[d] * ist[d];
      dst += before[d] * ost[d];
    }
    copy(in.data(), src, ist, out.data(), dst, ost, len, threads);
    // Borders axis by axis from the innermost: when axis d is done, axes after it are already full width, so each
    // border position along d is one contiguous hyperplane of ost[d] floats.
    MemorySegment o = out.data();
    int[] idx = new int[r];
    for (int d = r - 1; d >= 0; d--) {
      if (os[d] == len[d]) {
        continue;
      }
      long outer = 1;
      for (int k = 0; k < d; k++) {
        outer *= len[k];
      }
      Arrays.fill(idx, 0);
      for (long i = 0; i < outer; i++) {
        long base = 0;
        for (int k = 0; k < d; k++) {
          base += (before[k] + idx[k]) * ost[k];
        }
        for (int p = 0; p < os[d]; p++) {
          if (p == before[d] && len[d] > 0) {
            p += len[d] - 1; // skip the kept block
            continue;
          }
          long at = base + p * ost[d];
          int k = p - before[d]; // position relative to the kept block
          switch (mode) {
            case CONSTANT -> fill(o, at, ost[d], value);
            case EDGE -> copyRun(o, base + (before[d] + Math.max(0, Math.min(k, len[d] - 1))) * ost[d], 1, o, at, 1, ost[d]);
            case REFLECT -> copyRun(o, base + (before[d] + reflectIndex(k, len[d])) * ost[d], 1, o, at, 1, ost[d]);
          }
        }
        for (int k = d - 1; k >= 0 && ++idx[k] == len[k]; k--) {
          idx[k] = 0;
        }
      }
    }
    return out;
  }

  /** numpy's 'reflect' (mirror without repeating the edge), repeated when the pad exceeds the axis. */
  private static int reflectIndex(int k, int len) {
    if (len == 1) {
      return 0;
    }
    int period = 2 * (len - 1);
    int m = Math.floorMod(k, period);
    return m < len ? m : period - m;
  }

  static Tensor concat(OpContext ctx, List<Tensor> xs, int axis, int threads) {
    if (xs.isEmpty()) {
      throw new IllegalArgumentException("concat: no inputs");
    }
    int[] s0 = xs.get(0).shape();
    int r = s0.length;
    int a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r) {
      throw new IllegalArgumentException("concat: axis " + axis + " outside rank " + r);
    }
    int[] os = s0.clone();
    os[a] = 0;
    for (Tensor t : xs) {
      int[] s = t.shape();
      for (int d = 0; d < r; d++) {
        if (s.length != r || (d != a && s[d] != s0[d])) {
          throw new IllegalArgumentException("concat: " + Arrays.toString(s) + " does not match " + Arrays.toString(s0)
              + " off axis " + a);
        }
      }
      os[a] = Math.addExact(os[a], s[a]);
    }
    Tensor out = Tensor.zeros(ctx.arena(), os);
    long[] ost = Tensor.contiguousStrides(os);
    long at = 0;
    for (Tensor t : xs) {
      Tensor in = f32(ctx, t);
      copy(in.data(), in.offset(), in.strides(), out.data(), at * ost[a], ost, in.shape(), threads);
      at += in.dim(a);
    }
    return out;
  }

  static Tensor slice(OpContext ctx, Tensor x, int[] starts, int[] ends, int[] axes, int[] steps, int threads) {
    int[] s = x.shape();
    int r = s.length;
    int k = starts.length;
    if (ends.length != k || (axes != null && axes.length != k) || (steps != null && steps.length != k)) {
      throw new IllegalArgumentException("slice: starts, ends, axes and steps differ in length");
    }
    Tensor in = f32(ctx, x);
    long[] ist = in.strides();
    long src = in.offset();
    long[] sst = ist.clone(); // strides of the slice, in input elements
    int[] os = s.clone();
    boolean[] seen = new boolean[r];
    for (int i = 0; i < k; i++) {
      int a = axes == null ? i : axes[i] < 0 ? axes[i] + r : axes[i];
      if (a < 0 || a >= r || seen[a]) {
        throw new IllegalArgumentException("slice: axis " + (axes == null ? i : axes[i]) + " outside rank " + r
            + " or repeated");
      }
      seen[a] = true;
      long st = steps == null ? 1 : steps[i];
      if (st == 0) {
        throw new IllegalArgumentException("slice: step 0 on axis " + a);
      }
      // ONNX Slice: negative bounds count from the end, then clamp to the range the step direction allows.
      long dim = s[a];
      long b = starts[i] < 0 ? starts[i] + dim : starts[i];
      long e = ends[i] < 0 ? ends[i] + dim : ends[i];
      long count;
      if (st > 0) {
        b = Math.max(0, Math.min(b, dim));
        e = Math.max(0, Math.min(e, dim));
        count = e > b ? (e - b + st - 1) / st : 0;
      } else {
        b = Math.max(0, Math.min(b, dim - 1));
        e = Math.max(-1, Math.min(e, dim - 1));
        count = b > e && dim > 0 ? (b - e - st - 1) / -st : 0;
      }
      os[a] = (int) count;
      if (count > 0) {
        src += b * ist[a];
      }
      sst[a] = ist[a] * st;
    }
    Tensor out = Tensor.zeros(ctx.arena(), os);
    copy(in.data(), src, sst, out.data(), 0, Tensor.contiguousStrides(os), os, threads);
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
    long run = size[dims - 1];
    long runs = 1;
    for (int d = 0; d < dims - 1; d++) {
      runs *= size[d];
    }
    long runsPerTask = Math.max(1, CHUNK / run);
    int tasks = Math.toIntExact((runs + runsPerTask - 1) / runsPerTask);
    long totalRuns = runs;
    SpatialParallel.forEach(tasks, threads, t -> {
      long first = t * runsPerTask;
      long last = Math.min(totalRuns, first + runsPerTask);
      long[] idx = new long[dims];
      long rest = first;
      long so = srcOffset;
      long dof = dstOffset;
      for (int d = dims - 2; d >= 0; d--) {
        idx[d] = rest % size[d];
        rest /= size[d];
        so += idx[d] * ss[d];
        dof += idx[d] * ds[d];
      }
      for (long i = first; i < last; i++) {
        copyRun(src, so, ss[dims - 1], dst, dof, ds[dims - 1], run);
        for (int d = dims - 2; d >= 0; d--) { // odometer step, undoing the axes that wrap
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
