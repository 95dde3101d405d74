package jdiffusion.sampler.schedule;

import jdiffusion.sampler.F32;
import jdiffusion.sampler.SleefF32;

/**
 * The sigma sequences of k-diffusion ({@code get_sigmas_*}, commit ab527a9) and the webui's
 * {@code sd_schedulers.py} (v1.10.1), in PyTorch's float32 arithmetic: Python float scalars are rounded
 * to float before each tensor operation. Each returns {@code n} values plus a final 0 unless stated.
 */
public final class SigmaFormulas {
    private SigmaFormulas() {
    }

    static void checkSteps(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a schedule needs at least 1 step, got " + n);
        }
    }

    /** Karras et al.: {@code (σmax^(1/ρ) + ramp·(σmin^(1/ρ) − σmax^(1/ρ)))^ρ}. */
    public static float[] karras(int n, double sigmaMin, double sigmaMax, double rho) {
        float[] ramp = F32.linspace(0f, 1f, n);
        double minInvRho = StrictMath.pow(sigmaMin, 1 / rho);
        double maxInvRho = StrictMath.pow(sigmaMax, 1 / rho);
        float diff = (float) (minInvRho - maxInvRho);
        float base = (float) maxInvRho;
        float rhoF = (float) rho;
        float[] inner = new float[n];
        for (int i = 0; i < n; i++) {
            inner[i] = base + ramp[i] * diff;
        }
        float[] out = new float[n + 1];
        System.arraycopy(F32.powTensor(inner, rhoF), 0, out, 0, n);
        return out;
    }

    /** {@code exp(linspace(ln σmax, ln σmin, n))}. */
    static float[] exponential(int n, double sigmaMin, double sigmaMax) {
        float[] t = F32.linspace((float) StrictMath.log(sigmaMax), (float) StrictMath.log(sigmaMin), n);
        float[] out = new float[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = F32.exp(t[i]);
        }
        return out;
    }

    /** {@code exp(linspace(1, 0, n)^ρ · (ln σmax − ln σmin) + ln σmin)}. */
    static float[] polyexponential(int n, double sigmaMin, double sigmaMax, double rho) {
        // pow with exponent 1 is a copy in PyTorch.
        float[] ramp = rho == 1 ? F32.linspace(1f, 0f, n) : F32.powTensor(F32.linspace(1f, 0f, n), (float) rho);
        float span = (float) (StrictMath.log(sigmaMax) - StrictMath.log(sigmaMin));
        float logMin = (float) StrictMath.log(sigmaMin);
        float[] out = new float[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = F32.exp(ramp[i] * span + logMin);
        }
        return out;
    }

    /**
     * "Normal" ({@code sgm=false}: t = linspace(τ(σmax), τ(σmin), n)) and "SGM Uniform"
     * ({@code sgm=true}: linspace over n+1 points without the last); each t mapped by t_to_sigma.
     */
    static float[] normal(int n, double sigmaMin, double sigmaMax, DiscreteSchedule model, boolean sgm) {
        float start = model.sigmaToT((float) sigmaMax);
        float end = model.sigmaToT((float) sigmaMin);
        float[] t = F32.linspace(start, end, sgm ? n + 1 : n);
        float[] out = new float[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = model.tToSigma(t[i]);
        }
        return out;
    }

    /** "Simple": σ_table[size − 1 − int(k·size/n)] for k &lt; n. */
    static float[] simple(int n, DiscreteSchedule model) {
        double ss = (double) model.size() / n;
        float[] out = new float[n + 1];
        for (int k = 0; k < n; k++) {
            out[k] = model.sigma(model.size() - 1 - (int) (k * ss));
        }
        return out;
    }

    /** "DDIM": σ_table[1], σ_table[1 + s], … (s = max(size div n, 1)), reversed; may not be n values. */
    static float[] ddim(int n, DiscreteSchedule model) {
        int ss = Math.max(model.size() / n, 1);
        int count = 0;
        for (int x = 1; x < model.size(); x += ss) {
            count++;
        }
        float[] out = new float[count + 1];
        int k = count - 1;
        for (int x = 1; x < model.size(); x += ss) {
            out[k--] = model.sigma(x);
        }
        return out;
    }

    /** "KL Optimal": tan((k/n)·atan σmin + (1 − k/n)·atan σmax) for k = 0..n; no trailing 0. */
    static float[] klOptimal(int n, double sigmaMin, double sigmaMax) {
        float alphaMin = SleefF32.atan((float) sigmaMin);
        float alphaMax = SleefF32.atan((float) sigmaMax);
        float[] out = new float[n + 1];
        for (int k = 0; k <= n; k++) {
            float frac = (float) k / (float) n;
            out[k] = SleefF32.tan(frac * alphaMin + (1f - frac) * alphaMax);
        }
        return out;
    }
}
