package jdiffusion.tensor.cpu;

import jdiffusion.tensor.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised pointwise kernels over float arrays. Pure functions over explicit ranges; callers
 * parallelise.
 */
public final class Pointwise {
    private Pointwise() {
    }

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    /** x[off .. off+n) = act(x[...]) in place. */
    public static void activate(Activation act, float[] x, int off, int n) {
        switch (act) {
            case SILU -> silu(x, off, n);
            case QUICK_GELU -> quickGelu(x, off, n);
            case GELU -> gelu(x, off, n);
            case GELU_TANH -> geluTanh(x, off, n);
        }
    }

    /** x[off .. off+n) = min(max(x, lo), hi) in place (NaN stays NaN, as in PyTorch). */
    public static void clamp(float[] x, int off, int n, float lo, float hi) {
        for (int i = off; i < off + n; i++) {
            float v = x[i];
            x[i] = v < lo ? lo : v > hi ? hi : v;
        }
    }

    /** x·σ(x) = x / (1 + e^−x). */
    public static void silu(float[] x, int off, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            silu(FloatVector.fromArray(F, x, off + i)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = silu(x[off + i]);
        }
    }

    /**
     * SiLU of each lane; the one definition every SiLU pass uses (also the fused GroupNorm + SiLU),
     * with {@link #silu(float)} doing the same operations so tails and lanes agree bit for bit.
     */
    static FloatVector silu(FloatVector v) {
        return v.div(Exp.exp(v.neg()).add(1f));
    }

    static float silu(float v) {
        return v / (1f + Exp.exp(-v));
    }

    /** x·σ(1.702x). */
    public static void quickGelu(float[] x, int off, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            var v = FloatVector.fromArray(F, x, off + i);
            v.div(Exp.exp(v.mul(-1.702f)).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            x[off + i] = v / (1f + Exp.exp(v * -1.702f));
        }
    }

    /** Exact GELU: 0.5·x·(1 + erf(x/√2)). */
    public static void gelu(float[] x, int off, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            var v = FloatVector.fromArray(F, x, off + i);
            v.mul(0.5f).mul(ErfF.erf(v.mul(SQRT_HALF)).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            x[off + i] = v * 0.5f * (ErfF.erf(v * SQRT_HALF) + 1f);
        }
    }

    /**
     * 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³), computed as x / (1 + e^(−2u)) (the same
     * function) with {@link Exp} so vector and scalar lanes agree bit for bit.
     */
    public static void geluTanh(float[] x, int off, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            var v = FloatVector.fromArray(F, x, off + i);
            var inner = v.mul(v).mul(v).mul(0.044715f).add(v).mul(SQRT_2_OVER_PI);
            v.div(Exp.exp(inner.mul(-2f)).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            float inner = (v * v * v * 0.044715f + v) * SQRT_2_OVER_PI;
            x[off + i] = v / (Exp.exp(inner * -2f) + 1f);
        }
    }

    /** dst[d..d+n) = a[a..a+n) + b[b..b+n). */
    public static void add(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, ao + i).add(FloatVector.fromArray(F, b, bo + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] = a[ao + i] + b[bo + i];
        }
    }

    /** dst[d..d+n) = a[a..a+n) · b[b..b+n). */
    public static void mul(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, ao + i).mul(FloatVector.fromArray(F, b, bo + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] = a[ao + i] * b[bo + i];
        }
    }

    /** dst[d..d+n) = a[a..a+n) + s. */
    public static void addScalar(float[] a, int ao, float s, float[] dst, int d, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, ao + i).add(s).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] = a[ao + i] + s;
        }
    }

    /** dst[d..d+n) = a[a..a+n) · s. */
    public static void mulScalar(float[] a, int ao, float s, float[] dst, int d, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, ao + i).mul(s).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] = a[ao + i] * s;
        }
    }
}
