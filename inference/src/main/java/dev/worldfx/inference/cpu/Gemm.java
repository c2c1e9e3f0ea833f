package dev.worldfx.inference.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Blocked, packed single-precision GEMM: C[M,N] = A[M,K] * B[K,N], C row-major in a memory segment.
 * BLIS-style: A is packed once into MR-row micro-panels per KC slice of K, shared by all tasks (the
 * first jobs of the round pack it). Each task owns a block of C: per KC slice it packs its columns
 * of B into NR-column micro-panels (which stay in L2) and runs the register-tile micro-kernel
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
  /** K slice: an MR x KC micro-panel of A (16 KiB) stays in L1 while B micro-panels stream from L2. */
  static final int KC = 512;
  /** Widest block of C per task: its packed B slice (KC x NC, 512 KiB) stays in L2. */
  static final int NC = NR * 8;
  /** Narrowest block of C a task is given when the columns are split for more tasks. */
  private static final int NC_MIN = NR * 4;
  /** Most floats of packed A held at once (16 MiB, a 2048 x 2048 A); bigger products go in chunks. */
  private static final int PACKED_A_MAX = 1 << 22;

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
   * One product: C (at element {@code cOffset} of {@code c}, row stride {@code ldc}) = A * B, or
   * C += A * B if {@code accumulate}, then the epilogue (may be null) on each block. Problems passed
   * together that share a PackA instance share its packing (a conv's weights across the batch).
   */
  record Problem(int m, int n, int k, PackA a, PackB b, MemorySegment c, long cOffset, long ldc, boolean accumulate,
                 Epilogue epilogue) {
    Problem(int m, int n, int k, PackA a, PackB b, MemorySegment c, long cOffset, long ldc, Epilogue epilogue) {
      this(m, n, k, a, b, c, cOffset, ldc, false, epilogue);
    }
  }

  /**
   * Rows [r0, r1) x k [k0, k0+k) of A, packed from {@code base} of the batch's packed-A array: K slice s
   * (of KC) starts at base + s*KC*mPad. Tasks wait for the slices they use (see {@link Batch#flush}).
   */
  private static final class PackedA {
    final PackA source;
    final int r0;
    final int r1;
    final int k0;
    final int k;
    final int base;
    float[] data;
    private final AtomicIntegerArray state; // per slice: 0 pending, 1 packed, -1 failed

    PackedA(PackA source, int r0, int r1, int k0, int k, int base) {
      this.source = source;
      this.r0 = r0;
      this.r1 = r1;
      this.k0 = k0;
      this.k = k;
      this.base = base;
      this.state = new AtomicIntegerArray(Math.ceilDiv(k, KC));
    }

    int mPad() {
      return roundUp(r1 - r0, MR);
    }

    int size() {
      return mPad() * k;
    }

    int sliceOffset(int kOff) {
      return base + kOff * mPad();
    }

    void pack(int slice) {
      int kOff = slice * KC;
      boolean done = false;
      try {
        source.pack(data, sliceOffset(kOff), r0, r1 - r0, k0 + kOff, Math.min(KC, k - kOff));
        done = true;
      } finally {
        state.set(slice, done ? 1 : -1); // a volatile write: the packed floats are visible to whoever reads 1
      }
    }

    /** Waits for a slice another thread is packing (it was claimed before any task that needs it). */
    void await(int slice) {
      for (int spins = 0; ; spins++) {
        int s = state.get(slice);
        if (s == 1) {
          return;
        }
        if (s == -1) {
          throw new IllegalStateException("packing A failed on another thread");
        }
        if (spins < 1000) {
          Thread.onSpinWait();
        } else {
          Thread.yield(); // the packing thread may be descheduled
        }
      }
    }
  }

  /** Rows [m0, m1) (relative to the packed rows) x columns [n0, n1) of one problem, over the packed k range. */
  private record Task(Problem p, PackedA a, int m0, int m1, int n0, int n1, boolean accumulate, Epilogue epilogue) {}

  /** A thread's packed B slice and scratch tile, pooled: the common pool's threads do not keep thread-locals. */
  private static final class Buffers {
    final float[] b = new float[KC * NC];
    final float[] tile = new float[MR * NR];
    final MemorySegment tileSegment = MemorySegment.ofArray(tile);
  }

  private static final ConcurrentLinkedQueue<Buffers> SPARE_BUFFERS = new ConcurrentLinkedQueue<>();
  /** The last packed-A array, kept for the next product instead of allocating up to 16 MiB each time. */
  private static final AtomicReference<float[]> SPARE_PACKED_A = new AtomicReference<>();

  static void run(Problem p, int threads) {
    run(List.of(p), threads);
  }

  /**
   * Runs independent products (disjoint outputs). A product whose packed A would pass PACKED_A_MAX is
   * done in chunks of rows and, if need be, in chunks of K run one after the other (C += per chunk).
   */
  static void run(List<Problem> problems, int threads) {
    Batch batch = new Batch(threads);
    for (Problem p : problems) {
      if (p.m() == 0 || p.n() == 0) {
        continue; // C is empty
      }
      int rowsPerChunk = Math.max(MR, PACKED_A_MAX / KC / MR * MR);
      for (int r0 = 0; r0 < p.m(); r0 += rowsPerChunk) {
        int r1 = Math.min(p.m(), r0 + rowsPerChunk);
        int kChunk = Math.max(KC, PACKED_A_MAX / roundUp(r1 - r0, MR) / KC * KC);
        if (p.k() <= kChunk) {
          batch.add(p, r0, r1, 0, p.k(), p.accumulate(), p.epilogue());
          continue;
        }
        batch.flush();
        for (int k0 = 0; k0 < p.k(); k0 += kChunk) {
          int k1 = Math.min(p.k(), k0 + kChunk);
          batch.add(p, r0, r1, k0, k1 - k0, p.accumulate() || k0 > 0, k1 == p.k() ? p.epilogue() : null);
          batch.flush();
        }
      }
    }
    batch.flush();
  }

  /** Products gathered to run together in one round of the pool. */
  private static final class Batch {
    private final int threads;
    private final List<PackedA> packed = new ArrayList<>();
    private final List<Task> tasks = new ArrayList<>();
    private int packedFloats;

    Batch(int threads) {
      this.threads = threads;
    }

    void add(Problem p, int r0, int r1, int k0, int k, boolean accumulate, Epilogue epilogue) {
      PackedA pa = null;
      for (PackedA q : packed) { // products sharing a PackA (a conv's weights across the batch) share its packing
        if (q.source == p.a() && q.r0 == r0 && q.r1 == r1 && q.k0 == k0 && q.k == k) {
          pa = q;
        }
      }
      if (pa == null) {
        int size = roundUp(r1 - r0, MR) * k;
        if (packedFloats + size > PACKED_A_MAX) {
          flush();
        }
        pa = new PackedA(p.a(), r0, r1, k0, k, packedFloats);
        packed.add(pa);
        packedFloats += size;
      }
      split(p, pa, accumulate, epilogue);
    }

    /**
     * Tasks for one row chunk: column blocks of up to NC, narrowed (down to NC_MIN) until there are
     * about four tasks per thread, so that a thread the OS preempts does not leave the others idle at
     * the end. Rows are split (in MR multiples) only while there are fewer than two per thread, since
     * each row block packs B again (dear when B is an im2col).
     */
    private void split(Problem p, PackedA pa, boolean accumulate, Epilogue epilogue) {
      int rows = pa.r1 - pa.r0;
      int want = 4 * threads;
      int nBlocks = Math.ceilDiv(p.n(), NC);
      if (nBlocks < want) {
        nBlocks = Math.max(nBlocks, Math.min(want, p.n() / NC_MIN));
      }
      int width = roundUp(Math.ceilDiv(p.n(), nBlocks), NR);
      nBlocks = Math.ceilDiv(p.n(), width);
      int mBlocks = nBlocks >= 2 * threads ? 1
          : Math.clamp(Math.ceilDiv(want, nBlocks), 1, Math.ceilDiv(rows, 4 * MR));
      int height = roundUp(Math.ceilDiv(rows, mBlocks), MR);
      for (int n0 = 0; n0 < p.n(); n0 += width) {
        for (int m0 = 0; m0 < rows; m0 += height) {
          tasks.add(new Task(p, pa, m0, Math.min(rows, m0 + height), n0, Math.min(p.n(), n0 + width), accumulate,
              epilogue));
        }
      }
    }

    /**
     * One round of the pool: the jobs packing A's K slices come first, then the blocks of C. A block
     * waits for each slice it uses; every packing job was claimed before any block, by a thread that
     * is running it, so the wait ends. (Two rounds would cost a second wake-up of the pool threads.)
     */
    void flush() {
      if (tasks.isEmpty()) {
        return;
      }
      float[] data = SPARE_PACKED_A.getAndSet(null);
      if (data == null || data.length < packedFloats) {
        data = new float[packedFloats];
      }
      List<int[]> packJobs = new ArrayList<>(); // {index into packed, slice}
      for (int i = 0; i < packed.size(); i++) {
        packed.get(i).data = data;
        for (int s = 0; s * KC < packed.get(i).k; s++) {
          packJobs.add(new int[] {i, s});
        }
      }
      int jobs = packJobs.size();
      CpuThreads.forEach(jobs + tasks.size(), threads, j -> {
        if (j < jobs) {
          packed.get(packJobs.get(j)[0]).pack(packJobs.get(j)[1]);
          return;
        }
        Buffers buf = SPARE_BUFFERS.poll();
        try {
          block(tasks.get(j - jobs), buf == null ? buf = new Buffers() : buf);
        } finally {
          SPARE_BUFFERS.offer(buf);
        }
      });
      SPARE_PACKED_A.set(data);
      packed.clear();
      tasks.clear();
      packedFloats = 0;
    }
  }

  private static int roundUp(int v, int m) {
    return (v + m - 1) / m * m;
  }

  private static void block(Task t, Buffers buf) {
    Problem p = t.p();
    PackedA pa = t.a();
    int cols = t.n1() - t.n0();
    long ldcBytes = p.ldc() * 4;
    long rowBase = p.cOffset() + (long) pa.r0 * p.ldc() + t.n0();
    if (pa.k == 0 && !t.accumulate()) {
      for (int i = t.m0(); i < t.m1(); i++) {
        p.c().asSlice((rowBase + i * p.ldc()) * 4, cols * 4L).fill((byte) 0);
      }
    }
    for (int k0 = 0; k0 < pa.k; k0 += KC) {
      int kc = Math.min(KC, pa.k - k0);
      p.b().pack(buf.b, pa.k0 + k0, kc, t.n0(), cols);
      boolean accumulate = k0 > 0 || t.accumulate();
      int sliceBase = pa.sliceOffset(k0);
      pa.await(k0 / KC);
      for (int ir = t.m0(); ir < t.m1(); ir += MR) {
        int mr = Math.min(MR, t.m1() - ir);
        int aOff = sliceBase + ir * kc;
        for (int jr = 0; jr < cols; jr += NR) {
          int nr = Math.min(NR, cols - jr);
          int bOff = jr * kc;
          long cByte = (rowBase + ir * p.ldc() + jr) * 4;
          if (mr == MR && nr == NR) {
            GemmMicroKernel.tile(pa.data, aOff, buf.b, bOff, kc, p.c(), cByte, ldcBytes, accumulate);
          } else {
            edgeTile(buf, pa.data, aOff, bOff, kc, p.c(), cByte, ldcBytes, mr, nr, accumulate);
          }
        }
      }
    }
    if (t.epilogue() != null) {
      t.epilogue().apply(pa.r0 + t.m0(), pa.r0 + t.m1(), t.n0(), t.n1());
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
