package jdiffusion.sampler;

import jdiffusion.tensor.Tensor;

/**
 * k-diffusion's {@code torch.randn_like(x)} inside the samplers, which the webui routes to the
 * image RNG ({@code p.rng.next()}, {@link jdiffusion.sampler.rng.ImageRng#next()}): one [B, C, h, w]
 * draw, each image from its own seeded stream.
 */
@FunctionalInterface
public interface NoiseSource {
    Tensor next();
}
