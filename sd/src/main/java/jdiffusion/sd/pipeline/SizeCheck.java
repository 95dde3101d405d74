package jdiffusion.sd.pipeline;

import jdiffusion.loaders.config.UNetConfig;

/**
 * The sizes this runtime's UNet accepts: the latent (1/8 of the picture) must survive the UNet's
 * down- and upsampling without rounding, i.e. sides that are multiples of 8·2^(levels−1) pixels. (The
 * webui patches {@code torch.cat} to interpolate mismatched skip connections and so also runs other
 * multiples of 8; that is not reproduced.)
 */
final class SizeCheck {
    private SizeCheck() {
    }

    static void check(SdModel model, int width, int height) {
        UNetConfig u = model.config().unet();
        int halvings = u.channelMult().size() - 1;
        int factor = 8 << halvings;
        if (width % factor != 0 || height % factor != 0) {
            throw new IllegalArgumentException("Width and height must be multiples of " + factor + " for this model (its UNet "
                    + "halves the 8x smaller latent " + halvings + " times), got " + width + "x" + height);
        }
    }
}
