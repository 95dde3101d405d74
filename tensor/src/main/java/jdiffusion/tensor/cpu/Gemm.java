package jdiffusion.tensor.cpu;

import jdiffusion.tensor.Half;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Storage;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM: C[M,N] (+)= op(A)·op(B), with B read from any storage (f32 array, or f16 /
 * bf16 / f32 memory-mapped weights) and converted while packing.
 */
public final class Gemm {
    private Gemm() {
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

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
        if (m == 0 || n == 0) {
            return;
        }
        float[] bp = packB(b, bOff, transB, k, n);
        par.forRange(m, Math.max(1, 4096 / Math.max(1, n)), (i0, i1) -> {
            float[] arow = new float[k];
            for (int i = i0; i < i1; i++) {
                for (int p = 0; p < k; p++) {
                    arow[p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                }
                int co = cOff + i * ldc;
                if (!accumulate) {
                    java.util.Arrays.fill(c, co, co + n, 0f);
                }
                rowTimesB(arow, bp, k, n, c, co);
            }
        });
    }

    /** c[co .. co+n) += Σ_p arow[p] · bp[p·n .. p·n+n). */
    private static void rowTimesB(float[] arow, float[] bp, int k, int n, float[] c, int co) {
        int bound = F.loopBound(n);
        for (int j = 0; j < bound; j += F.length()) {
            var acc = FloatVector.fromArray(F, c, co + j);
            for (int p = 0; p < k; p++) {
                acc = FloatVector.fromArray(F, bp, p * n + j).fma(FloatVector.broadcast(F, arow[p]), acc);
            }
            acc.intoArray(c, co + j);
        }
        for (int j = bound; j < n; j++) {
            float s = c[co + j];
            for (int p = 0; p < k; p++) {
                s = Math.fma(arow[p], bp[p * n + j], s);
            }
            c[co + j] = s;
        }
    }

    /** op(B) as a float32 row-major [K,N] array. */
    private static float[] packB(Storage b, long bOff, boolean transB, int k, int n) {
        float[] out = new float[k * n];
        if (!transB) {
            Half.toFloat(b, bOff, out, 0, k * n);
            return out;
        }
        float[] row = new float[k];
        for (int j = 0; j < n; j++) {
            Half.toFloat(b, bOff + (long) j * k, row, 0, k);
            for (int p = 0; p < k; p++) {
                out[p * n + j] = row[p];
            }
        }
        return out;
    }
}
