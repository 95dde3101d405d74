package jdiffusion.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Normalisation kernels. Statistics are accumulated in double in a fixed order (so results do not
 * depend on threading) and applied in float.
 */
public final class Norms {
    private Norms() {
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /**
     * Normalises one group: x[off .. off + channels·spatial) holds {@code channels} consecutive
     * channel planes of {@code spatial} elements; gamma/beta indexed from {@code c0}; result in dst.
     */
    public static void groupNormGroup(float[] x, int off, int channels, int spatial, float[] gamma, float[] beta,
                                      int c0, float eps, boolean silu, float[] dst) {
        int n = channels * spatial;
        double mean = sum(x, off, n) / n;
        double var = sumSquaredDev(x, off, n, mean) / n;
        float rstd = (float) (1.0 / Math.sqrt(var + eps));
        // The mean as float hi + lo: x − hi is exact for values near the mean, so a group with a
        // tiny variance (large rstd) does not amplify the mean's rounding error.
        float mHi = (float) mean;
        float mLo = (float) (mean - mHi);
        for (int c = 0; c < channels; c++) {
            float g = gamma == null ? 1f : gamma[c0 + c];
            float b = beta == null ? 0f : beta[c0 + c];
            // y = (x − mean)·(rstd·g) + b; subtracting first keeps tiny-variance groups exact.
            int o = off + c * spatial;
            if (silu) {
                centeredAffineSilu(x, o, mHi, mLo, rstd * g, b, dst, o, spatial);
            } else {
                centeredAffine(x, o, mHi, mLo, rstd * g, b, dst, o, spatial);
            }
        }
    }

    /** LayerNorm of one row x[off .. off+n) into dst[off ..]. */
    public static void layerNormRow(float[] x, int off, int n, float[] gamma, float[] beta, float eps, float[] dst) {
        double mean = sum(x, off, n) / n;
        double var = sumSquaredDev(x, off, n, mean) / n;
        float rstd = (float) (1.0 / Math.sqrt(var + eps));
        float mHi = (float) mean;
        float mLo = (float) (mean - mHi);
        for (int i = 0; i < n; i++) {
            float y = (x[off + i] - mHi - mLo) * rstd;
            if (gamma != null) {
                y *= gamma[i];
            }
            if (beta != null) {
                y += beta[i];
            }
            dst[off + i] = y;
        }
    }

    /** Softmax of one row in place. */
    public static void softmaxRow(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double sum = 0;
        int i0 = 0;
        for (int bound = F.loopBound(n); i0 < bound; i0 += F.length()) {
            Exp.exp(FloatVector.fromArray(F, x, off + i0).sub(max)).intoArray(x, off + i0);
        }
        for (int i = i0; i < n; i++) {
            x[off + i] = Exp.exp(x[off + i] - max);
        }
        for (int i = 0; i < n; i++) {
            sum += x[off + i];
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    /** Σ x in double, vector lanes accumulated in float blocks of fixed size then summed in double. */
    static double sum(float[] x, int off, int n) {
        double total = 0;
        int block = 1024;
        for (int b = 0; b < n; b += block) {
            int len = Math.min(block, n - b);
            int i = 0;
            var acc = FloatVector.zero(F);
            for (int bound = F.loopBound(len); i < bound; i += F.length()) {
                acc = acc.add(FloatVector.fromArray(F, x, off + b + i));
            }
            double s = laneSum(acc);
            for (; i < len; i++) {
                s += x[off + b + i];
            }
            total += s;
        }
        return total;
    }

    /** Σ (x − mean)² with the same blocking as {@link #sum}. */
    static double sumSquaredDev(float[] x, int off, int n, double mean) {
        double total = 0;
        float m = (float) mean;
        int block = 1024;
        for (int b = 0; b < n; b += block) {
            int len = Math.min(block, n - b);
            int i = 0;
            var acc = FloatVector.zero(F);
            for (int bound = F.loopBound(len); i < bound; i += F.length()) {
                var d = FloatVector.fromArray(F, x, off + b + i).sub(m);
                acc = d.fma(d, acc);
            }
            double s = laneSum(acc);
            for (; i < len; i++) {
                double d = x[off + b + i] - mean;
                s += d * d;
            }
            total += s;
        }
        return total;
    }

    /**
     * Σ lanes in lane order. Not reduceLanes: its summation order may differ between the interpreter
     * and compiled code, which made results depend on which thread ran a row first.
     */
    static double laneSum(FloatVector v) {
        float[] t = new float[F.length()];
        v.intoArray(t, 0);
        double s = 0;
        for (float f : t) {
            s += f;
        }
        return s;
    }

    /**
     * {@link #centeredAffine} followed by SiLU in the same pass (the ResBlock's GroupNorm + SiLU): the
     * activations of a VAE at 1024² are hundreds of MB, so a second pass over them costs real time. Same
     * operations per element as the two-pass form (the same {@link Pointwise#silu(FloatVector)}), hence
     * the same bits.
     */
    static void centeredAffineSilu(float[] x, int xo, float mHi, float mLo, float s, float t, float[] dst, int d, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            Pointwise.silu(FloatVector.fromArray(F, x, xo + i).sub(mHi).sub(mLo).fma(s, t)).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] = Pointwise.silu(Math.fma(x[xo + i] - mHi - mLo, s, t));
        }
    }

    /** dst[d..d+n) = (x[xo..xo+n) − (mHi + mLo))·s + t. */
    static void centeredAffine(float[] x, int xo, float mHi, float mLo, float s, float t, float[] dst, int d, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xo + i).sub(mHi).sub(mLo).fma(s, t).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] = Math.fma(x[xo + i] - mHi - mLo, s, t);
        }
    }
}
