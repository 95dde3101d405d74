package jdiffusion.sampler;

import jdiffusion.tensor.Tensor;

/**
 * A k-diffusion style sampler: integrates from x at σ_0 down the given σ schedule (ending in 0) and
 * returns the final latent.
 */
public interface KSampler {
    /**
     * x: [B, C, h, w] already scaled to σ_0 (txt2img: noise·σ_0; img2img: init + noise·σ_0);
     * sigmas: the schedule, decreasing, usually ending in 0.
     */
    default Tensor sample(Tensor x, float[] sigmas, SamplingContext ctx) {
        if (sigmas.length < 1) {
            throw new IllegalArgumentException("a sampler needs at least one sigma");
        }
        for (int i = 0; i < sigmas.length; i++) {
            if (!(sigmas[i] >= 0) || Float.isInfinite(sigmas[i])) {
                throw new IllegalArgumentException("sigma[" + i + "] = " + sigmas[i] + " is not a finite non-negative number");
            }
        }
        ctx.begin(x);
        float[] out = run(x.toFloatArray(), sigmas.clone(), ctx);
        return Tensor.of(out, x.shape());
    }

    /** The update loop on a private copy of x. */
    float[] run(float[] x, float[] sigmas, SamplingContext ctx);
}
