package jdiffusion.tensor.cpu;

import jdiffusion.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Multi-head scaled dot-product attention over [B, L, H·D] layouts (heads interleaved in the
 * channel dimension, as the projections produce them), one query row at a time: scores for one
 * row are at most Lk floats, never the full [Lq, Lk] matrix.
 */
public final class Attention {
    private Attention() {
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /**
     * out[b, i, h·dv ..] = softmax_j(q[b,i,h]·k[b,j,h]·scale) · v[b,j,h].
     * q: [B, Lq, H·D], k: [B, Lk, H·D], v: [B, Lk, H·Dv], out: [B, Lq, H·Dv] (all offset 0).
     */
    public static void attention(Parallel par, int batch, int lq, int lk, int heads, int d, int dv,
                                 float[] q, float[] k, float[] v, float scale, boolean causal, float[] out) {
        int qStride = heads * d;
        int vStride = heads * dv;
        int rows = batch * heads * lq;
        par.forRange(rows, 16, (r0, r1) -> {
            float[] scores = new float[lk];
            float[] acc = new float[dv];
            for (int r = r0; r < r1; r++) {
                int i = r % lq;
                int h = (r / lq) % heads;
                int b = r / (lq * heads);
                int qo = (b * lq + i) * qStride + h * d;
                int keys = causal ? Math.min(lk, i + 1) : lk;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < keys; j++) {
                    float s = dot(q, qo, k, (b * lk + j) * qStride + h * d, d) * scale;
                    scores[j] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int j = 0; j < keys; j++) {
                    float e = (float) Math.exp(scores[j] - max);
                    scores[j] = e;
                    sum += e;
                }
                java.util.Arrays.fill(acc, 0f);
                for (int j = 0; j < keys; j++) {
                    axpy(scores[j], v, (b * lk + j) * vStride + h * dv, acc, dv);
                }
                float inv = (float) (1.0 / sum);
                int oo = (b * lq + i) * vStride + h * dv;
                for (int c = 0; c < dv; c++) {
                    out[oo + c] = acc[c] * inv;
                }
            }
        });
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        var acc = FloatVector.zero(F);
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s = Math.fma(a[ao + i], b[bo + i], s);
        }
        return s;
    }

    static void axpy(float alpha, float[] x, int xo, float[] y, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xo + i).fma(FloatVector.broadcast(F, alpha), FloatVector.fromArray(F, y, i)).intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] = Math.fma(alpha, x[xo + i], y[i]);
        }
    }
}
