package jdiffusion.loaders.config;

import java.util.List;

/**
 * Everything needed to build a Stable Diffusion model from its weights: what the loader's
 * architecture detection yields for a checkpoint (or what a test writes by hand for a tiny model).
 *
 * @param architecture  SD1, SD2, SDXL, SDXL refiner
 * @param prediction    epsilon or v
 * @param unet          UNet hyper-parameters
 * @param vae           VAE hyper-parameters
 * @param textEncoders  in conditioning order (SDXL: CLIP-L first, then bigG)
 * @param clipSkip      the webui's default "Clip skip" for this family (1 = last layer)
 */
public record ModelConfig(Architecture architecture, Prediction prediction, UNetConfig unet, VaeConfig vae,
                          List<TextEncoderConfig> textEncoders, int clipSkip) {

    /** Key prefix of the UNet in the internal naming. */
    public static final String UNET_PREFIX = "model.diffusion_model.";
    /** Key prefix of the VAE in the internal naming. */
    public static final String VAE_PREFIX = "first_stage_model.";

    public ModelConfig {
        textEncoders = List.copyOf(textEncoders);
    }

    /** True for 9-channel inpainting UNets. */
    public boolean isInpainting() {
        return unet.inChannels() == 9;
    }
}
