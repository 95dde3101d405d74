package jdiffusion.sampler.cfg;

import jdiffusion.tensor.Tensor;

/**
 * The network the CFG denoiser drives (the UNet's {@code apply_model}): raw ε or v prediction for a
 * batch of already-scaled latents at fractional timesteps.
 */
@FunctionalInterface
public interface DiffusionModel {
    /**
     * xIn: [N, C, h, w] (x·c_in), t: [N] (k-diffusion's fractional timesteps), cond: N rows ->
     * prediction [N, C, h, w].
     */
    Tensor apply(Tensor xIn, float[] t, Conditioning cond);
}
