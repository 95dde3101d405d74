package jdiffusion.sampler.cfg;

import jdiffusion.tensor.Tensor;

/**
 * Where the img2img pipeline changes a denoiser call: the inpainting mask blend
 * ({@code denoised·nmask + init·mask}), Soft Inpainting, or anything else scripts do in the webui's
 * {@code CFGDenoiser} (before the model sees x when {@code mask_before_denoising}, or after guidance).
 */
public interface CfgHooks {
    CfgHooks NONE = new CfgHooks() { };

    /** x: [B, C, h, w] about to be denoised at call {@code step}; returns the x to use. */
    default Tensor beforeDenoise(Tensor x, float[] sigma, int step) {
        return x;
    }

    /** The guided denoised latent of call {@code step}; returns the value handed to the sampler. */
    default Tensor afterCombine(Tensor x, float[] sigma, int step, Tensor denoised) {
        return denoised;
    }
}
