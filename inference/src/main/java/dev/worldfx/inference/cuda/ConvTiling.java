package dev.worldfx.inference.cuda;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cuda.CudnnConv.Direction;
import dev.worldfx.inference.ref.ConvGeometry;
import java.lang.foreign.Arena;

/**
 * Forward convolution of a frame too big for the device: the output is computed in bands of rows, each from the
 * input rows it reads (its halo: (rows - 1) * stride + dilation * (kh - 1) + 1 rows), with the vertical padding
 * written as zero rows so cuDNN sees an unpadded band. Bands halve until they fit; one row that does not fit gives
 * up (the dispatcher then runs the op on the CPU). The property {@code worldfx.cuda.convBandRows} forces bands of
 * that many rows (the parity test checks the banded result).
 */
final class ConvTiling {
  private ConvTiling() {}

  static Tensor forward(CudaRuntime rt, CudnnConv conv, OpScope sc, ConvGeometry g, Tensor x, Tensor w, Tensor bias,
      Arena arena) {
    long dw = sc.upload(w);
    long db = bias == null ? 0L : sc.upload(bias);
    int forced = Integer.getInteger("worldfx.cuda.convBandRows", 0);
    if (forced <= 0) {
      try (OpScope whole = new OpScope(rt.asDevice)) {
        long dx = whole.upload(x);
        long dy = whole.floats((long) g.n() * g.o() * g.ho() * g.wo());
        conv.run(Direction.FORWARD, g, g.h(), g.ho(), g.p().padTop(), dx, dw, dy);
        if (bias != null) {
          conv.addBias(g.n(), g.o(), g.ho(), g.wo(), db, dy);
        }
        return whole.download(dy, arena, g.outputShape());
      } catch (CudaException e) {
        if (!e.outOfMemory()) {
          throw e;
        }
        rt.pool.trim();
        java.util.logging.Logger.getLogger(ConvTiling.class.getName()).info("conv2d " + g.n() + "x" + g.c() + "x"
            + g.h() + "x" + g.w() + " does not fit the device (" + e.statusName() + "): computing it in bands of rows");
      }
    }
    Tensor out = Tensor.zeros(arena, g.outputShape());
    Tensor xc = sc.host(x);
    for (int rows = forced > 0 ? forced : Math.max(1, (g.ho() + 1) / 2); ; rows = Math.max(1, rows / 2)) {
      try {
        for (int oy0 = 0; oy0 < g.ho(); oy0 += rows) {
          band(rt, conv, g, xc, dw, db, out, oy0, Math.min(g.ho(), oy0 + rows));
        }
        return out;
      } catch (CudaException e) {
        if (!e.outOfMemory() || rows == 1) {
          throw e;
        }
        rt.pool.trim();
      }
    }
  }

  /** Output rows [oy0, oy1) of every plane into {@code out}. */
  private static void band(CudaRuntime rt, CudnnConv conv, ConvGeometry g, Tensor xc, long dw, long db, Tensor out,
      int oy0, int oy1) {
    Conv2dParams p = g.p();
    int iy0 = oy0 * p.strideH() - p.padTop();
    int iy1 = (oy1 - 1) * p.strideH() - p.padTop() + p.dilationH() * (g.kh() - 1) + 1;
    int bandH = iy1 - iy0;
    int bandRows = oy1 - oy0;
    int r0 = Math.max(iy0, 0);
    int r1 = Math.min(iy1, g.h());
    try (OpScope bs = new OpScope(rt.asDevice)) {
      long planeIn = (long) bandH * g.w();
      long dx = bs.floats((long) g.n() * g.c() * planeIn);
      rt.zero(dx, (long) g.n() * g.c() * planeIn * 4);
      for (long plane = 0; plane < (long) g.n() * g.c() && r1 > r0; plane++) {
        long src = (xc.offset() + (plane * g.h() + r0) * g.w()) * 4;
        rt.upload(xc.data(), src, dx + (plane * planeIn + (long) (r0 - iy0) * g.w()) * 4, (long) (r1 - r0) * g.w() * 4);
      }
      long planeOut = (long) bandRows * g.wo();
      long dy = bs.floats((long) g.n() * g.o() * planeOut);
      conv.run(Direction.FORWARD, g, bandH, bandRows, 0, dx, dw, dy);
      if (db != 0) {
        conv.addBias(g.n(), g.o(), bandRows, g.wo(), db, dy);
      }
      for (long plane = 0; plane < (long) g.n() * g.o(); plane++) {
        rt.download(dy + plane * planeOut * 4, out.data(), (plane * g.ho() + oy0) * (long) g.wo() * 4, planeOut * 4);
      }
    }
  }
}
