package jdiffusion.sampler.kdiffusion;

import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplingContext;

/**
 * k-diffusion {@code sample_dpmpp_2m} (DPM-Solver++(2M)): a second-order multistep update in
 * λ = −ln σ, first-order on the first and the final (σ = 0) step; no noise.
 */
public final class DpmppTwoM implements KSampler {

    @Override
    public float[] run(float[] x, float[] sigmas, SamplingContext ctx) {
        float[] old = null;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = ctx.denoise(x, sigmas[i]);
            ctx.step(i, x, sigmas[i], sigmas[i], denoised);
            float t = Arith.lambda(sigmas[i]);
            float tNext = Arith.lambda(sigmas[i + 1]);
            float h = tNext - t;
            float ratio = Arith.sigmaOf(tNext) / Arith.sigmaOf(t);
            float phi = jdiffusion.sampler.F32.expm1(-h);
            if (old == null || sigmas[i + 1] == 0) {
                x = Arith.scaleSub(ratio, x, phi, denoised);
            } else {
                float hLast = t - Arith.lambda(sigmas[i - 1]);
                float r = hLast / h;
                float q = 1f / (2 * r);
                float a = 1 + q;
                float[] dd = new float[x.length];
                for (int k = 0; k < x.length; k++) {
                    dd[k] = a * denoised[k] - q * old[k];
                }
                x = Arith.scaleSub(ratio, x, phi, dd);
            }
            old = denoised;
        }
        return x;
    }
}
