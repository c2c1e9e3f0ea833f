package dev.worldfx.inference.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Blocked, packed single-precision GEMM: C[M,N] = A[M,K] * B[K,N], C row-major in a memory segment.
 * BLIS-style, in two phases. First A is packed once into MR-row micro-panels per KC slice of K
 * (shared by all tasks). Then each task owns a block of C: per KC slice it packs its columns of B
 * into NR-column micro-panels (which stay in L2) and runs the register-tile micro-kernel
 * ({@link GemmMicroKernel}) over every MR x NR tile, the A micro-panel staying in L1 across a row of
 * tiles. Operands arrive through packers, so im2col and transposes happen while packing.
 *
 * <p>Determinism: every element of C is one FMA chain over k ascending (between K slices the partial
 * sum waits in C as the same float it was in the register), whatever the blocking or the thread count;
 * partial tiles run the same kernel on a scratch tile. So the bits never depend on the thread count.
 */
final class Gemm {
  static final int MR = GemmMicroKernel.MR;
  static final int NR = GemmMicroKernel.NR;
  /** K slice: an MR x KC micro-panel of A (8 KiB) stays in L1 while B micro-panels stream from L2. */
  static final int KC = 256;
  /** Widest block of C per task: its packed B slice (KC x NC, 512 KiB) stays in L2. */
  static final int NC = NR * 16;
  /** Narrowest block of C a task is given when the columns are split for more tasks. */
  private static final int NC_MIN = NR * 4;
  /** Most floats of packed A held at once (64 MiB); taller products are done in row chunks. */
  private static final int PACKED_A_MAX = 1 << 24;

  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private Gemm() {}

  /**
   * Packs rows [m0, m0+rows) x k [k0, k0+kc) of A into MR-row panels from {@code dst[off]}:
   * panel p holds (k, i) at off + p*MR*kc + k*MR + i; rows past the end are zeros.
   */
  interface PackA {
    void pack(float[] dst, int off, int m0, int rows, int k0, int kc);
  }

  /**
   * Packs k [k0, k0+kc) x columns [n0, n0+cols) of B into NR-column panels: panel p holds (k, j) at
   * p*NR*kc + k*NR + j; columns past the end are zeros.
   */
  interface PackB {
    void pack(float[] dst, int k0, int kc, int n0, int cols);
  }

  /** Runs once per finished block of C: rows [m0, m1) x columns [n0, n1) hold A*B and may be rewritten. */
  interface Epilogue {
    void apply(int m0, int m1, int n0, int n1);
  }

  /**
   * One product: C (at element {@code cOffset} of {@code c}, row stride {@code ldc}) = A * B, then the
   * epilogue (may be null) on each block. Problems passed together that share a PackA instance share
   * its packing (a conv's weights across the batch).
   */
  record Problem(int m, int n, int k, PackA a, PackB b, MemorySegment c, long cOffset, long ldc, Epilogue epilogue) {}

  /** Rows [r0, r1) of A packed for all of K: K slice s starts at s*KC*mPad. */
  private record PackedA(PackA source, int r0, int r1, int k, float[] data) {
    int mPad() {
      return (r1 - r0 + MR - 1) / MR * MR;
    }
  }

  /** Rows [m0, m1) (relative to the packed rows) x columns [n0, n1) of one problem. */
  private record Task(Problem p, PackedA a, int m0, int m1, int n0, int n1) {}

  private static final class Buffers {
    final float[] b = new float[KC * NC];
    final float[] tile = new float[MR * NR];
    final MemorySegment tileSegment = MemorySegment.ofArray(tile);
  }

  /** Per thread; a task never waits on other tasks, so a thread runs one task at a time. */
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  static void run(Problem p, int threads) {
    run(List.of(p), threads);
  }

  /** Runs independent products (disjoint outputs). */
  static void run(List<Problem> problems, int threads) {
    List<Task> tasks = new ArrayList<>();
    Map<PackA, List<PackedA>> packs = new IdentityHashMap<>();
    List<PackedA> toPack = new ArrayList<>();
    long packedFloats = 0;
    for (Problem p : problems) {
      if (p.m() == 0 || p.n() == 0) {
        continue; // C is empty
      }
      int rowsPerChunk = Math.max(MR, PACKED_A_MAX / Math.max(1, p.k()) / MR * MR);
      for (int r0 = 0; r0 < p.m(); r0 += rowsPerChunk) {
        int r1 = Math.min(p.m(), r0 + rowsPerChunk);
        PackedA pa = find(packs, p, r0, r1);
        if (pa == null) {
          int size = Math.toIntExact((long) (r1 - r0 + MR - 1) / MR * MR * p.k());
          if (packedFloats + size > PACKED_A_MAX && !tasks.isEmpty()) {
            execute(toPack, tasks, threads);
            packs.clear();
            packedFloats = 0;
          }
          pa = new PackedA(p.a(), r0, r1, p.k(), new float[size]);
          packs.computeIfAbsent(p.a(), x -> new ArrayList<>()).add(pa);
          toPack.add(pa);
          packedFloats += size;
        }
        split(p, pa, threads, tasks);
      }
    }
    execute(toPack, tasks, threads);
  }

  private static PackedA find(Map<PackA, List<PackedA>> packs, Problem p, int r0, int r1) {
    for (PackedA pa : packs.getOrDefault(p.a(), List.of())) {
      if (pa.r0() == r0 && pa.r1() == r1 && pa.k() == p.k()) {
        return pa;
      }
    }
    return null;
  }

  /**
   * Tasks for one row chunk: column blocks of up to NC, narrowed (down to NC_MIN) and then the rows
   * split (in MR multiples) until there are about four tasks per thread, so that a thread the OS
   * preempts does not leave the others idle at the end.
   */
  private static void split(Problem p, PackedA pa, int threads, List<Task> tasks) {
    int rows = pa.r1() - pa.r0();
    int want = 4 * threads;
    int nBlocks = Math.ceilDiv(p.n(), NC);
    if (nBlocks < want) {
      nBlocks = Math.max(nBlocks, Math.min(want, p.n() / NC_MIN));
    }
    int width = roundUp(Math.ceilDiv(p.n(), Math.max(1, nBlocks)), NR);
    nBlocks = Math.ceilDiv(p.n(), width);
    int mBlocks = Math.clamp(Math.ceilDiv(want, Math.max(1, nBlocks)), 1, Math.max(1, Math.ceilDiv(rows, 4 * MR)));
    int height = roundUp(Math.ceilDiv(rows, mBlocks), MR);
    for (int n0 = 0; n0 < p.n(); n0 += width) {
      for (int m0 = 0; m0 < rows; m0 += height) {
        tasks.add(new Task(p, pa, m0, Math.min(rows, m0 + height), n0, Math.min(p.n(), n0 + width)));
      }
    }
  }

  private static int roundUp(int v, int m) {
    return (v + m - 1) / m * m;
  }

  private static void execute(List<PackedA> toPack, List<Task> tasks, int threads) {
    List<int[]> packJobs = new ArrayList<>(); // {index into toPack, k0}
    for (int i = 0; i < toPack.size(); i++) {
      for (int k0 = 0; k0 < toPack.get(i).k(); k0 += KC) {
        packJobs.add(new int[] {i, k0});
      }
    }
    GemmPool.forEach(packJobs.size(), threads, j -> {
      PackedA pa = toPack.get(packJobs.get(j)[0]);
      int k0 = packJobs.get(j)[1];
      pa.source().pack(pa.data(), k0 * pa.mPad(), pa.r0(), pa.r1() - pa.r0(), k0, Math.min(KC, pa.k() - k0));
    });
    GemmPool.forEach(tasks.size(), threads, i -> block(tasks.get(i), BUFFERS.get()));
    toPack.clear();
    tasks.clear();
  }

  private static void block(Task t, Buffers buf) {
    Problem p = t.p();
    PackedA pa = t.a();
    int cols = t.n1() - t.n0();
    long ldcBytes = p.ldc() * 4;
    long rowBase = p.cOffset() + (long) pa.r0() * p.ldc() + t.n0();
    if (p.k() == 0) {
      for (int i = t.m0(); i < t.m1(); i++) {
        p.c().asSlice((rowBase + i * p.ldc()) * 4, cols * 4L).fill((byte) 0);
      }
    }
    for (int k0 = 0; k0 < p.k(); k0 += KC) {
      int kc = Math.min(KC, p.k() - k0);
      p.b().pack(buf.b, k0, kc, t.n0(), cols);
      boolean accumulate = k0 > 0;
      int sliceBase = k0 * pa.mPad();
      for (int ir = t.m0(); ir < t.m1(); ir += MR) {
        int mr = Math.min(MR, t.m1() - ir);
        int aOff = sliceBase + ir * kc;
        for (int jr = 0; jr < cols; jr += NR) {
          int nr = Math.min(NR, cols - jr);
          int bOff = jr * kc;
          long cByte = (rowBase + ir * p.ldc() + jr) * 4;
          if (mr == MR && nr == NR) {
            GemmMicroKernel.tile(pa.data(), aOff, buf.b, bOff, kc, p.c(), cByte, ldcBytes, accumulate);
          } else {
            edgeTile(buf, pa.data(), aOff, bOff, kc, p.c(), cByte, ldcBytes, mr, nr, accumulate);
          }
        }
      }
    }
    if (p.epilogue() != null) {
      p.epilogue().apply(pa.r0() + t.m0(), pa.r0() + t.m1(), t.n0(), t.n1());
    }
  }

  /** A partial tile runs the same kernel on a scratch tile (so its sums are bit-identical) and copies mr x nr out. */
  private static void edgeTile(Buffers buf, float[] a, int aOff, int bOff, int kc, MemorySegment c, long cByte,
      long ldcBytes, int mr, int nr, boolean accumulate) {
    if (accumulate) {
      for (int i = 0; i < mr; i++) {
        MemorySegment.copy(c, F32, cByte + i * ldcBytes, buf.tile, i * NR, nr);
      }
    }
    GemmMicroKernel.tile(a, aOff, buf.b, bOff, kc, buf.tileSegment, 0, NR * 4L, accumulate);
    for (int i = 0; i < mr; i++) {
      MemorySegment.copy(buf.tile, i * NR, c, F32, cByte + i * ldcBytes, nr);
    }
  }
}
