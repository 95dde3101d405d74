package jdiffusion.sampler.lcm;

import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplingContext;

/**
 * The webui's "LCM" sampler ({@code sd_samplers_lcm.sample_lcm}, alias {@code k_lcm}): each step
 * jumps to the denoised estimate and, unless the next σ is 0, re-noises it to σ_{i+1} with one
 * image-RNG draw. Use it with a {@link LcmDenoiser} inside the CFG denoiser and {@link LcmDenoiser#sigmas}.
 */
public final class LcmSampler implements KSampler {
    public static final String NAME = "LCM";
    public static final String ALIAS = "k_lcm";

    @Override
    public float[] run(float[] x, float[] sigmas, SamplingContext ctx) {
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = ctx.denoise(x, sigmas[i]);
            ctx.step(i, x, sigmas[i], sigmas[i], denoised);
            x = denoised;
            if (sigmas[i + 1] > 0) {
                float[] noise = ctx.noise(sigmas[i], sigmas[i + 1]);
                float[] out = new float[x.length];
                for (int k = 0; k < x.length; k++) {
                    out[k] = x[k] + sigmas[i + 1] * noise[k];
                }
                x = out;
            }
        }
        return x;
    }
}
