package jdiffusion.sd.pipeline;

import jdiffusion.tensor.Tensor;

/**
 * An intermediate tensor of a generation, for {@code --dump-latents} and tests. Names follow the
 * fixture files: {@code cond}, {@code uncond} (first conditioning of the batch, [B, T, C]),
 * {@code init_image} (the prepared pictures, [B, 3, H, W] in [0, 1]), {@code init_latent_vae},
 * {@code init_latent} (z0 after masked content), {@code latent_mask} (nmask),
 * {@code image_conditioning}, {@code noise}, {@code sigmas_full}, {@code sigmas}, {@code x_start},
 * {@code call.K.x}, {@code call.K.sigma}, {@code call.K.denoised} (every CFG denoiser call; DDIM/PLMS
 * inpainting adds {@code call.K.model_x}, the blended model input),
 * {@code x_sampled}, {@code x_final}, {@code decoded} ([B, 3, H, W], raw VAE output); hires fix adds
 * {@code hires.latent} (the upscaled first-pass latent) and repeats the sampling names for its pass.
 *
 * @param iteration batch iteration
 * @param hiresPass the name belongs to the hires pass
 * @param name      see above
 * @param value     host float32 tensor (a copy)
 */
public record TensorEvent(int iteration, boolean hiresPass, String name, Tensor value) {
}
