package jdiffusion.sampler.kdiffusion;

import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.SamplingContext;

/**
 * k-diffusion {@code sample_euler_ancestral} and {@code sample_dpm_2_ancestral}: a deterministic step to
 * σ_down (Euler, or DPM-Solver-2 through the log-midpoint) plus fresh noise of size σ_up. Euler a adds
 * noise on every step with σ_{i+1} &gt; 0; DPM2 a only on steps that take the second-order branch.
 */
public final class EulerAncestral implements KSampler {
    private final boolean dpm2;

    public EulerAncestral(boolean dpm2) {
        this.dpm2 = dpm2;
    }

    @Override
    public float[] run(float[] x, float[] sigmas, SamplingContext ctx) {
        SamplerParams p = ctx.params();
        float sNoise = (float) p.sNoise();
        for (int i = 0; i < sigmas.length - 1; i++) {
            float sigma = sigmas[i];
            float next = sigmas[i + 1];
            float[] denoised = ctx.denoise(x, sigma);
            float[] step = Arith.ancestralStep(sigma, next, p.eta());
            float down = step[0];
            float up = step[1];
            ctx.step(i, x, sigma, sigma, denoised);
            float[] d = Arith.toD(x, denoised, sigma);
            if (!dpm2) {
                x = Arith.addScaled(x, d, down - sigma);
                if (next > 0) {
                    x = Arith.addNoise(x, ctx.noise(sigma, next), sNoise, up);
                }
            } else if (down == 0) {
                x = Arith.addScaled(x, d, down - sigma);
            } else {
                float sigmaMid = Arith.logMidpoint(sigma, down);
                float[] x2 = Arith.addScaled(x, d, sigmaMid - sigma);
                float[] d2 = Arith.toD(x2, ctx.denoise(x2, sigmaMid), sigmaMid);
                x = Arith.addScaled(x, d2, down - sigma);
                x = Arith.addNoise(x, ctx.noise(sigma, next), sNoise, up);
            }
        }
        return x;
    }
}
