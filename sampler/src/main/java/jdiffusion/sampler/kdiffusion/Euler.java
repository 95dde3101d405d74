package jdiffusion.sampler.kdiffusion;

import jdiffusion.sampler.F32;
import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.SamplingContext;

/**
 * k-diffusion {@code sample_euler}, {@code sample_heun} and {@code sample_dpm_2} (Karras et al.
 * Algorithm 2 with Euler, Heun or DPM-Solver-2 steps), which share the "churn" preamble: each step
 * draws one {@code randn_like} whether or not churn uses it (the webui's noise stream depends on that).
 */
public final class Euler implements KSampler {
    /** The step method after the churn. */
    public enum Method { EULER, HEUN, DPM2 }

    private final Method method;

    public Euler(Method method) {
        this.method = method;
    }

    @Override
    public float[] run(float[] x, float[] sigmas, SamplingContext ctx) {
        SamplerParams p = ctx.params();
        int n = sigmas.length - 1;
        for (int i = 0; i < n; i++) {
            float sigma = sigmas[i];
            float next = sigmas[i + 1];
            double gamma = p.sTmin() <= sigma && sigma <= p.sTmax() ? Math.min(p.sChurn() / n, Math.sqrt(2) - 1) : 0;
            float[] eps = ctx.randnLike();
            float sNoise = (float) p.sNoise();
            float sigmaHat = sigma * (float) (gamma + 1);
            if (gamma > 0) {
                float scale = F32.sqrt(sigmaHat * sigmaHat - sigma * sigma);
                float[] churned = new float[x.length];
                for (int k = 0; k < x.length; k++) {
                    churned[k] = x[k] + (eps[k] * sNoise) * scale;
                }
                x = churned;
            }
            float[] denoised = ctx.denoise(x, sigmaHat);
            float[] d = Arith.toD(x, denoised, sigmaHat);
            ctx.step(i, x, sigma, sigmaHat, denoised);
            float dt = next - sigmaHat;
            if (method == Method.EULER || next == 0) {
                x = Arith.addScaled(x, d, dt);
            } else if (method == Method.HEUN) {
                float[] x2 = Arith.addScaled(x, d, dt);
                float[] d2 = Arith.toD(x2, ctx.denoise(x2, next), next);
                float[] dPrime = new float[x.length];
                for (int k = 0; k < x.length; k++) {
                    dPrime[k] = (d[k] + d2[k]) / 2f;
                }
                x = Arith.addScaled(x, dPrime, dt);
            } else {
                float sigmaMid = Arith.logMidpoint(sigmaHat, next);
                float[] x2 = Arith.addScaled(x, d, sigmaMid - sigmaHat);
                float[] d2 = Arith.toD(x2, ctx.denoise(x2, sigmaMid), sigmaMid);
                x = Arith.addScaled(x, d2, next - sigmaHat);
            }
        }
        return x;
    }
}
