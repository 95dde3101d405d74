package jdiffusion.sampler;

import jdiffusion.tensor.Tensor;

/**
 * What a k-diffusion sampler calls: the denoised estimate D(x, σ) of a noisy latent, in x0 space.
 * In the pipeline this is the {@link jdiffusion.sampler.cfg.CfgDenoiser} around the UNet; tests plug
 * in analytic or replaying denoisers.
 */
@FunctionalInterface
public interface Denoiser {
    /**
     * x: [B, C, h, w], sigmas: [B] (one σ per image) -> denoised [B, C, h, w]. Must not modify x.
     */
    Tensor denoise(Tensor x, float[] sigmas);
}
