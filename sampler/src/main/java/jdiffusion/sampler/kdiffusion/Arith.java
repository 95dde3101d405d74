package jdiffusion.sampler.kdiffusion;

import jdiffusion.sampler.F32;

/**
 * The element-wise float32 operations of k-diffusion's update rules, each rounding where the PyTorch
 * expression rounds (one tensor op = one rounding; 0-dim σ values are float32 scalars).
 */
final class Arith {
    private Arith() {
    }

    /** The webui's {@code to_d}: (x − denoised)/σ. */
    static float[] toD(float[] x, float[] denoised, float sigma) {
        float[] d = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = (x[i] - denoised[i]) / sigma;
        }
        return d;
    }

    /** x + d·dt. */
    static float[] addScaled(float[] x, float[] d, float dt) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] + d[i] * dt;
        }
        return out;
    }

    /** a·x − b·y. */
    static float[] scaleSub(float a, float[] x, float b, float[] y) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = a * x[i] - b * y[i];
        }
        return out;
    }

    /** a·x + b·y. */
    static float[] scaleAdd(float a, float[] x, float b, float[] y) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = a * x[i] + b * y[i];
        }
        return out;
    }

    /** x + (((n·m0)·m1)·…): noise scaled by factors applied left to right, as {@code noise * a * b}. */
    static float[] addNoise(float[] x, float[] noise, float... factors) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float n = noise[i];
            for (float f : factors) {
                n *= f;
            }
            out[i] = x[i] + n;
        }
        return out;
    }

    /** a − b. */
    static float[] sub(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    /** t_fn of DPM-Solver++: λ = −ln σ (+∞ for σ = 0). */
    static float lambda(float sigma) {
        return -F32.log(sigma);
    }

    /** sigma_fn: σ = exp(−λ). */
    static float sigmaOf(float lambda) {
        return F32.exp(-lambda);
    }

    /** {@code sigma_a.log().lerp(sigma_b.log(), 0.5).exp()}: PyTorch's lerp with weight ≥ 0.5 counts from the end. */
    static float logMidpoint(float a, float b) {
        float la = F32.log(a);
        float lb = F32.log(b);
        return F32.exp(lb - (lb - la) * 0.5f);
    }

    /**
     * k-diffusion {@code get_ancestral_step(σ_from, σ_to, eta)}: {σ_down, σ_up} with
     * σ_up = min(σ_to, η·sqrt(σ_to²(σ_from² − σ_to²)/σ_from²)), σ_down = sqrt(σ_to² − σ_up²).
     */
    static float[] ancestralStep(float from, float to, double eta) {
        if (eta == 0) {
            return new float[] {to, 0f};
        }
        float to2 = to * to;
        float from2 = from * from;
        float up = (float) eta * F32.sqrt(to2 * (from2 - to2) / from2);
        // Python's min(a, b) keeps a unless b < a.
        if (!(up < to)) {
            up = to;
        }
        float down = F32.sqrt(to2 - up * up);
        return new float[] {down, up};
    }
}
