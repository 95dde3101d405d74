package jdiffusion.sd.pipeline;

/**
 * The sizes a generation accepts: multiples of 8 pixels (one latent cell), as the webui's sliders.
 * Sides that are not multiples of 8·2^(levels−1) make the UNet's skip connections one row or column
 * apart; the UNet resizes them as the webui's patched {@code torch.cat} does
 * ({@link jdiffusion.nn.unet.UNetModel}).
 */
final class SizeCheck {
    private SizeCheck() {
    }

    static void check(SdModel model, int width, int height) {
        if (width % 8 != 0 || height % 8 != 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Width and height must be positive multiples of 8, got " + width + "x" + height);
        }
    }
}
