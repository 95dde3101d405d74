package jdiffusion.nn.vae;

import jdiffusion.tensor.Tensor;

/**
 * The encoder's diagonal Gaussian over latents (LDM {@code DiagonalGaussianDistribution}).
 *
 * @param mean   [B, z, h, w]
 * @param logvar [B, z, h, w], clamped to [-30, 20]
 */
public record LatentDistribution(Tensor mean, Tensor logvar) {
}
