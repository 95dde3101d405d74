package jdiffusion.sampler.kdiffusion;

import jdiffusion.sampler.F32;
import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.SamplingContext;

/**
 * k-diffusion {@code sample_dpmpp_sde} (DPM-Solver++ stochastic, r = ½): two ancestral sub-steps per
 * step, each with its own Brownian noise over [σ_i, σ(s)] and [σ_i, σ_{i+1}]; Euler on the final step.
 * σ values passed to the noise sampler and the model are round-tripped through λ as the reference does.
 */
public final class DpmppSde implements KSampler {
    private final float r;

    public DpmppSde(double r) {
        if (!(r > 0 && r <= 1)) {
            throw new IllegalArgumentException("DPM++ SDE r must be in (0, 1], got " + r);
        }
        this.r = (float) r;
    }

    public DpmppSde() {
        this(0.5);
    }

    @Override
    public float[] run(float[] x, float[] sigmas, SamplingContext ctx) {
        SamplerParams p = ctx.params();
        float sNoise = (float) p.sNoise();
        double fac = 1 / (2 * (double) r);
        float keep = (float) (1 - fac);
        float take = (float) fac;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float sigma = sigmas[i];
            float next = sigmas[i + 1];
            float[] denoised = ctx.denoise(x, sigma);
            ctx.step(i, x, sigma, sigma, denoised);
            if (next == 0) {
                x = Arith.addScaled(x, Arith.toD(x, denoised, sigma), next - sigma);
                continue;
            }
            float t = Arith.lambda(sigma);
            float tNext = Arith.lambda(next);
            float h = tNext - t;
            float s = t + h * r;
            float sigmaT = Arith.sigmaOf(t);
            float sigmaS = Arith.sigmaOf(s);

            float[] step1 = Arith.ancestralStep(sigmaT, sigmaS, p.eta());
            float s1 = Arith.lambda(step1[0]);
            float[] x2 = Arith.scaleSub(Arith.sigmaOf(s1) / sigmaT, x, F32.expm1(t - s1), denoised);
            x2 = Arith.addNoise(x2, ctx.noise(sigmaT, sigmaS), sNoise, step1[1]);
            float[] denoised2 = ctx.denoise(x2, sigmaS);

            float sigmaNext = Arith.sigmaOf(tNext);
            float[] step2 = Arith.ancestralStep(sigmaT, sigmaNext, p.eta());
            float tNext2 = Arith.lambda(step2[0]);
            float[] dd = Arith.scaleAdd(keep, denoised, take, denoised2);
            x = Arith.scaleSub(Arith.sigmaOf(tNext2) / sigmaT, x, F32.expm1(t - tNext2), dd);
            x = Arith.addNoise(x, ctx.noise(sigmaT, sigmaNext), sNoise, step2[1]);
        }
        return x;
    }
}
