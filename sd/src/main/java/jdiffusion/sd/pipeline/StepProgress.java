package jdiffusion.sd.pipeline;

import java.util.List;
import java.util.function.Supplier;
import jdiffusion.sd.image.Image;
import jdiffusion.tensor.Tensor;

/**
 * One sampler step (k-diffusion's per-step callback; timestep samplers report after each update).
 *
 * @param iteration  batch iteration (0 .. batch count − 1)
 * @param iterations batch count
 * @param hiresPass  true for the second pass of hires fix
 * @param step       step index within this pass (0-based)
 * @param steps      steps of this pass (for img2img: t_enc + 1)
 * @param sigma      σ of the step (0 for timestep samplers)
 * @param latent     x at the start of the step [B, C, h, w] (host float32)
 * @param denoised   the denoised estimate of this step [B, C, h, w]
 * @param preview    decodes {@code denoised} with the full VAE into one image per batch entry (costly:
 *                   call it only for the steps you show, e.g. every N steps)
 */
public record StepProgress(int iteration, int iterations, boolean hiresPass, int step, int steps, float sigma,
                           Tensor latent, Tensor denoised, Supplier<List<Image>> preview) {
}
