package jdiffusion.sampler;

import jdiffusion.tensor.Tensor;

/**
 * What k-diffusion hands its per-step callback: step index, the latent at the start of the step, the
 * step's σ, the (possibly churned) σ̂ the model was called with, and the first denoised estimate.
 */
public record StepInfo(int step, Tensor x, float sigma, float sigmaHat, Tensor denoised) {
}
