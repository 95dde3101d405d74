package jdiffusion.sampler.kdiffusion;

import jdiffusion.sampler.F32;
import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.SamplingContext;

/**
 * k-diffusion {@code sample_dpmpp_2s_ancestral}: a DPM-Solver++(2S) single-step to σ_down through the
 * λ-midpoint, then ancestral noise σ_up on every step with σ_{i+1} &gt; 0.
 */
public final class DpmppTwoSAncestral implements KSampler {

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
            ctx.step(i, x, sigma, sigma, denoised);
            if (down == 0) {
                x = Arith.addScaled(x, Arith.toD(x, denoised, sigma), down - sigma);
            } else {
                float t = Arith.lambda(sigma);
                float tNext = Arith.lambda(down);
                float h = tNext - t;
                float s = t + 0.5f * h;
                float sigmaT = Arith.sigmaOf(t);
                float sigmaS = Arith.sigmaOf(s);
                float[] x2 = Arith.scaleSub(sigmaS / sigmaT, x, F32.expm1(-h * 0.5f), denoised);
                float[] denoised2 = ctx.denoise(x2, sigmaS);
                x = Arith.scaleSub(Arith.sigmaOf(tNext) / sigmaT, x, F32.expm1(-h), denoised2);
            }
            if (next > 0) {
                x = Arith.addNoise(x, ctx.noise(sigma, next), sNoise, step[1]);
            }
        }
        return x;
    }
}
