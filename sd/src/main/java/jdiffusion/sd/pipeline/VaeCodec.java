package jdiffusion.sd.pipeline;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.nn.vae.Vae;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * The VAE as the webui drives it: {@code images_tensor_to_samples} (each image of a batch encoded on
 * its own; latent = {@code scale_factor · posterior}) and {@code decode_latent_batch} (one image at a
 * time; input {@code latent · (1/scale_factor)}).
 *
 * <p>Deviation, on purpose: the latent is the posterior MEAN. The webui samples the posterior with
 * PyTorch's global generator, whose state does not follow from the job's parameters, so its result is
 * not reproducible; the fixtures use the mean too.
 */
final class VaeCodec {
    private final Backend backend;
    private final Vae vae;

    VaeCodec(Backend backend, Vae vae) {
        this.backend = backend;
        this.vae = vae;
    }

    /** images: [B, 3, H, W] in [−1, 1] -> scaled latents [B, z, H/8, W/8]. */
    Tensor encode(Tensor images) {
        if (images.dim(2) % 8 != 0 || images.dim(3) % 8 != 0) {
            throw new IllegalArgumentException("the VAE encoder needs image sides that are multiples of 8, got "
                    + images.dim(3) + "x" + images.dim(2) + " (choose a width/height in steps of 8; with resize mode 3 the "
                    + "input picture itself is encoded)");
        }
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < images.dim(0); i++) {
            Tensor mean = backend.toHost(vae.encode(backend.load(LatentOps.row(images, i))).mean());
            out.add(LatentOps.scale(mean, vae.scalingFactor()));
        }
        return LatentOps.stack(out);
    }

    /** latents: [B, z, h, w] (scaled) -> raw decoder output [B, 3, 8h, 8w] (≈ [−1, 1], not clamped). */
    Tensor decode(Tensor latents) {
        float inv = (float) (1.0 / vae.scalingFactor());
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < latents.dim(0); i++) {
            Tensor z = LatentOps.scale(LatentOps.row(latents, i), inv);
            out.add(backend.toHost(vae.decode(backend.load(z))));
        }
        return LatentOps.stack(out);
    }
}
