package jdiffusion.sd.pipeline;

import jdiffusion.nn.unet.UNetModel;
import jdiffusion.sampler.cfg.Conditioning;
import jdiffusion.sampler.cfg.DiffusionModel;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * The UNet as the CFG denoiser calls it ({@code apply_model}): the image conditioning of
 * inpainting models is concatenated after the latent channels ({@code [4 latent, 1 mask, 4
 * masked-image latent]}), SDXL's pooled vector is the {@code y} input; tensors move to the backend
 * and the prediction comes back as host float32.
 */
final class UNetDiffusionModel implements DiffusionModel {
    private final Backend backend;
    private final UNetModel unet;

    UNetDiffusionModel(Backend backend, UNetModel unet) {
        this.backend = backend;
        this.unet = unet;
    }

    // xIn: [N, 4, h, w], t: [N], cond: N rows (crossattn [N, T, C], vector [N, V] or null, concat [N, 5, h, w] or null)
    @Override
    public Tensor apply(Tensor xIn, float[] t, Conditioning cond) {
        Tensor x = cond.concat() == null ? xIn : LatentOps.concatChannels(xIn, cond.concat());
        if (x.dim(1) != unet.config().inChannels()) {
            throw new IllegalStateException("the UNet takes " + unet.config().inChannels() + " input channels but the "
                    + "pipeline built " + x.dim(1) + " (latent " + xIn.dim(1) + " + image conditioning)");
        }
        Tensor y = cond.vector() == null ? null : backend.load(cond.vector());
        Tensor out = unet.forward(backend.load(x), backend.load(Tensor.of(t.clone(), t.length)),
                backend.load(cond.crossattn()), y);
        return backend.toHost(out);
    }
}
