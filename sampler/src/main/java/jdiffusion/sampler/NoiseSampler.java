package jdiffusion.sampler;

import jdiffusion.tensor.Tensor;

/**
 * k-diffusion's {@code noise_sampler(sigma, sigma_next)}: standard normal noise [B, C, h, w] for the
 * step from {@code sigma} to {@code sigmaNext}. The SDE samplers use a Brownian tree
 * ({@link jdiffusion.sampler.brownian.BrownianTreeNoiseSampler}); the ancestral samplers' default
 * ignores the sigmas and draws {@link NoiseSource#next()}.
 */
@FunctionalInterface
public interface NoiseSampler {
    Tensor noise(float sigma, float sigmaNext);
}
