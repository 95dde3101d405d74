package jdiffusion.tensor.cpu;

import static jdiffusion.tensor.cpu.MicroKernel.MR;
import static jdiffusion.tensor.cpu.MicroKernel.NR;

import jdiffusion.tensor.ArrayStorage;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Storage;

/**
 * Single-precision GEMM, C[M,N] (+)= op(A)·op(B), GotoBLAS/BLIS style: N is cut into NC-column
 * panels and K into KC-deep blocks; each (panel, block) of B is packed once into NR-wide slivers
 * (converting f16/bf16/f32 weights on the way), then threads take MC-row blocks of A (packed into
 * MR-row slivers in their own workspace) times groups of B slivers, and the {@link MicroKernel}
 * updates C tile by tile.
 *
 * <p>Determinism: the K blocks depend only on K and are applied to C in order; within a block every
 * C element is one in-order FMA chain. Threads only decide who computes which tile, so results are
 * bit-identical for every thread count.
 */
public final class Gemm {
    private Gemm() {
    }

    /**
     * K block depth (blocks are balanced: K is cut into ceil(K/KC) equal blocks). Measured on Zen 4
     * (2 cores): 512-640 beat 128-384 by 10-20%; fewer blocks mean fewer C updates and forks, and
     * the B sliver (KC·NR floats) streams from L2 fast enough.
     */
    static final int KC = 640;
    /** Rows of A per packed block (in L2). */
    static final int MC = 64;
    /** Columns of B per packed panel (KC·NC floats, in L3). */
    static final int NC = 2048;
    /**
     * Up to this many rows of A, {@link #smallM} runs the product (320: the UNet's first-level
     * convolutions, M = 320 output channels, measured 20-30% faster there than with a shared B).
     */
    static final int DIRECT_M = 320;
    /** Below this many multiply-adds a fork costs more than it saves. */
    private static final long SERIAL_WORK = 1L << 18;

    /**
     * C[M,N] (+)= op(A)·op(B).
     *
     * @param a      float32; op(A) is [M,K]: row-major [M,K] with leading dimension lda, or when
     *               {@code transA} row-major [K,M] with leading dimension lda
     * @param b      any storage; op(B) is [K,N]: row-major [K,N] (row stride N) or, when
     *               {@code transB}, row-major [N,K] (row stride K), starting at element bOff
     * @param c      float32 row-major [M,N] with leading dimension ldc
     * @param accumulate add to C instead of overwriting it
     */
    public static void gemm(Parallel par, int m, int n, int k,
                            float[] a, int aOff, int lda, boolean transA,
                            Storage b, long bOff, boolean transB,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        Panel pa = Panels.of(new ArrayStorage(a), aOff, lda, !transA);
        Panel pb = Panels.of(b, bOff, transB ? k : n, transB);
        gemm(par, m, n, k, pa, pb, c, cOff, ldc, accumulate);
    }

    /** C[M,N] (+)= A·Bᵀ for A as an [M,K] panel and B as an [N,K] panel. */
    static void gemm(Parallel par, int m, int n, int k, Panel a, Panel b,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        boolean serial = par.threads() == 1 || (long) m * n * k < SERIAL_WORK;
        int kBlocks = ceilDiv(k, KC);
        int kcMax = ceilDiv(k, kBlocks);
        // Few rows of A reuse each B element only m times: sharing one packed B between threads
        // then costs more (a barrier per K block, cross-core reads) than each task packing its own.
        if (m <= DIRECT_M) {
            smallM(par, serial, m, n, k, kBlocks, kcMax, a, b, c, cOff, ldc, accumulate);
            return;
        }
        int ncMax = Math.min(NC, n);
        Workspace ws = Workspace.get();
        float[] bp = ws.take(Workspace.Slot.PACK_B, kcMax * ceilDiv(ncMax, NR) * NR);
        try {
            for (int jc = 0; jc < n; jc += NC) {
                int nc = Math.min(NC, n - jc);
                int slivers = ceilDiv(nc, NR);
                int mBlocks = ceilDiv(m, MC);
                // Enough items (row block x sliver group) that 2 threads end within a few % of each other.
                int groups = Math.max(1, Math.min(slivers, ceilDiv(8 * par.threads(), mBlocks)));
                for (int kb = 0; kb < kBlocks; kb++) {
                    int p0 = kb * kcMax;
                    int kc = Math.min(kcMax, k - p0);
                    int col0 = jc;
                    Parallel.RangeBody packB = (s0, s1) -> {
                        for (int s = s0; s < s1; s++) {
                            b.pack(col0 + s * NR, Math.min(NR, nc - s * NR), p0, kc, bp, s * NR * kc, NR);
                        }
                    };
                    boolean overwrite = kb == 0 && !accumulate;
                    Parallel.RangeBody compute = (t0, t1) -> macro(t0, t1, groups, m, n, a, p0, kc, kcMax,
                            col0, slivers, bp, c, cOff, ldc, overwrite);
                    if (serial) {
                        packB.run(0, slivers);
                    } else {
                        par.forRange(slivers, 2, packB);
                    }
                    if (serial) {
                        compute.run(0, mBlocks * groups);
                    } else {
                        par.forRange(mBlocks * groups, 1, compute);
                    }
                }
            }
        } finally {
            ws.give(Workspace.Slot.PACK_B, bp);
        }
    }

    /** Work items t0 .. t1 (item = MC row block × sliver group, row-block major) of one K block. */
    private static void macro(int t0, int t1, int groups, int m, int n, Panel a, int p0, int kc, int kcMax,
                              int jc, int slivers, float[] bp, float[] c, int cOff, int ldc, boolean overwrite) {
        Workspace ws = Workspace.get();
        float[] ap = ws.take(Workspace.Slot.PACK_A, MC * kcMax);
        float[] tile = ws.take(Workspace.Slot.TILE, MR * NR);
        try {
            int packed = -1;
            for (int t = t0; t < t1; t++) {
                int mb = t / groups;
                int g = t % groups;
                int ic = mb * MC;
                int mc = Math.min(MC, m - ic);
                int panels = ceilDiv(mc, MR);
                if (mb != packed) {
                    for (int ip = 0; ip < panels; ip++) {
                        a.pack(ic + ip * MR, Math.min(MR, mc - ip * MR), p0, kc, ap, ip * MR * kc, MR);
                    }
                    packed = mb;
                }
                int s0 = (int) ((long) g * slivers / groups);
                int s1 = (int) ((long) (g + 1) * slivers / groups);
                for (int s = s0; s < s1; s++) {
                    int j = jc + s * NR;
                    int nr = Math.min(NR, n - j);
                    int bo = s * NR * kc;
                    for (int ip = 0; ip < panels; ip++) {
                        int i = ic + ip * MR;
                        MicroKernel.run(kc, ap, ip * MR * kc, bp, bo, c, cOff + i * ldc + j, ldc,
                                Math.min(MR, m - i), nr, overwrite, tile);
                    }
                }
            }
        } finally {
            ws.give(Workspace.Slot.TILE, tile);
            ws.give(Workspace.Slot.PACK_A, ap);
        }
    }

    /** Slivers of B a small-M task packs at a time (KC·CHUNK·NR floats, in L2 beside A). */
    static final int CHUNK = 4;

    /**
     * Small M (at most DIRECT_M rows), any B: one fork. Each task owns a group of slivers and, for
     * every K block in order, packs A itself and then its slivers CHUNK at a time ({@link
     * Panel#packSlivers}: a row-major B is copied one row segment of CHUNK·NR floats at a time, which
     * the prefetchers follow, instead of 128-byte pieces a whole row apart).
     */
    private static void smallM(Parallel par, boolean serial, int m, int n, int k, int kBlocks, int kcMax,
                               Panel a, Panel b, float[] c, int cOff, int ldc, boolean accumulate) {
        int slivers = ceilDiv(n, NR);
        int groups = serial ? 1 : Math.min(slivers, par.threads());
        int panels = ceilDiv(m, MR);
        Parallel.RangeBody body = (g0, g1) -> {
            Workspace ws = Workspace.get();
            float[] ap = ws.take(Workspace.Slot.PACK_A, panels * MR * kcMax);
            float[] bp = ws.take(Workspace.Slot.PACK_B, CHUNK * NR * kcMax);
            float[] tile = ws.take(Workspace.Slot.TILE, MR * NR);
            try {
                int s0 = (int) ((long) g0 * slivers / groups);
                int s1 = (int) ((long) g1 * slivers / groups);
                for (int kb = 0; kb < kBlocks; kb++) {
                    int p0 = kb * kcMax;
                    int kc = Math.min(kcMax, k - p0);
                    boolean overwrite = kb == 0 && !accumulate;
                    for (int ip = 0; ip < panels; ip++) {
                        a.pack(ip * MR, Math.min(MR, m - ip * MR), p0, kc, ap, ip * MR * kc, MR);
                    }
                    for (int sc = s0; sc < s1; sc += CHUNK) {
                        int cnt = Math.min(CHUNK, s1 - sc);
                        int j0 = sc * NR;
                        b.packSlivers(j0, n, cnt, p0, kc, bp, 0, NR);
                        for (int q = 0; q < cnt; q++) {
                            int j = j0 + q * NR;
                            int nr = Math.min(NR, n - j);
                            for (int ip = 0; ip < panels; ip++) {
                                int i = ip * MR;
                                MicroKernel.run(kc, ap, ip * MR * kc, bp, q * NR * kc, c, cOff + i * ldc + j,
                                        ldc, Math.min(MR, m - i), nr, overwrite, tile);
                            }
                        }
                    }
                }
            } finally {
                ws.give(Workspace.Slot.TILE, tile);
                ws.give(Workspace.Slot.PACK_B, bp);
                ws.give(Workspace.Slot.PACK_A, ap);
            }
        };
        if (serial) {
            body.run(0, groups);
        } else {
            par.forRange(groups, 1, body);
        }
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
