package jdiffusion.loaders.config;

import java.util.List;

/**
 * AutoencoderKL hyper-parameters (LDM {@code ddconfig} names).
 *
 * @param inChannels    image channels (3)
 * @param baseChannels  {@code ch} (128 for the real SD VAEs)
 * @param channelMult   (1,2,4,4)
 * @param numResBlocks  2
 * @param zChannels     latent channels (4)
 * @param scalingFactor latent scale the pipeline applies (0.18215 SD1/2, 0.13025 SDXL)
 */
public record VaeConfig(int inChannels, int baseChannels, List<Integer> channelMult, int numResBlocks, int zChannels,
                        float scalingFactor) {
    public VaeConfig {
        channelMult = List.copyOf(channelMult);
    }
}
