package jdiffusion.sampler.cfg;

import jdiffusion.tensor.Tensor;

/**
 * Turns the UNet's raw prediction for model rows into what the sampler combines: the denoised x0
 * for k-diffusion samplers ({@link CompVisDenoiser}), ε for the timestep samplers
 * ({@link TimestepsDenoiser}).
 */
public interface ModelWrapper {
    /** x: [N, C, h, w], level: [N] (σ or timestep per row), cond: N rows -> [N, C, h, w]. */
    Tensor denoise(DiffusionModel model, Tensor x, float[] level, Conditioning cond);
}
