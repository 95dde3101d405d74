package jdiffusion.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked GEMM micro-kernel: an MR x NR tile of C (8 rows x two vectors) held in 16
 * vector registers while one packed A sliver ([kc][MR]) and one packed B sliver ([kc][NR]) stream
 * through. Each lane is one C element summed over p = 0 .. kc-1 by a chain of FMAs in order, so a
 * value never depends on where its tile sits or which thread runs it (tails go through a scratch
 * tile with the same arithmetic).
 */
final class MicroKernel {
    private MicroKernel() {
    }

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final int MR = 8;
    static final int NR = 2 * L;

    /**
     * C[mr, nr] at c[co ..] (row stride ldc) = (overwrite ? 0 : C) + A·B over kc. {@code tile} is
     * MR·NR scratch the accumulators pass through.
     */
    static void run(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                    int mr, int nr, boolean overwrite, float[] tile) {
        packed(kc, ap, ao, bp, bo, tile);
        addTile(tile, c, co, ldc, mr, nr, overwrite);
    }

    private static void packed(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR;
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(F, ap[ai + 0]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
            FloatVector a6 = FloatVector.broadcast(F, ap[ai + 6]);
            c60 = b0.fma(a6, c60);
            c61 = b1.fma(a6, c61);
            FloatVector a7 = FloatVector.broadcast(F, ap[ai + 7]);
            c70 = b0.fma(a7, c70);
            c71 = b1.fma(a7, c71);
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /** C tile (+)= the accumulated tile; a separate method keeps the FMA loop small enough for C2 to inline every vector op. */
    private static void addTile(float[] tile, float[] c, int co, int ldc, int mr, int nr, boolean overwrite) {
        if (nr == NR) {
            for (int r = 0; r < mr; r++) {
                int d = co + r * ldc;
                FloatVector v0 = FloatVector.fromArray(F, tile, r * NR);
                FloatVector v1 = FloatVector.fromArray(F, tile, r * NR + L);
                if (!overwrite) {
                    v0 = FloatVector.fromArray(F, c, d).add(v0);
                    v1 = FloatVector.fromArray(F, c, d + L).add(v1);
                }
                v0.intoArray(c, d);
                v1.intoArray(c, d + L);
            }
            return;
        }
        for (int r = 0; r < mr; r++) {
            int d = co + r * ldc;
            for (int j = 0; j < nr; j++) {
                c[d + j] = overwrite ? tile[r * NR + j] : c[d + j] + tile[r * NR + j];
            }
        }
    }
}
