package jdiffusion.loaders.config;

import java.util.List;

/**
 * The LDM {@code UNetModel} hyper-parameters (openaimodel.py names), enough to build the network.
 *
 * @param inChannels            4, or 9 for inpainting UNets (latent + mask + masked-image latent)
 * @param outChannels           4
 * @param modelChannels         channels of the first level (320 for SD1/SD2/SDXL)
 * @param channelMult           per-level multipliers of modelChannels ((1,2,4,4) SD1/2, (1,2,4) SDXL)
 * @param numResBlocks          ResBlocks per level in the encoder (the decoder has one more)
 * @param transformerDepth      SpatialTransformer depth per level, 0 = no attention at that level
 * @param transformerDepthMiddle depth of the middle block's SpatialTransformer
 * @param numHeads              fixed number of heads (SD1: 8), or -1 when {@code headDim} is fixed
 * @param headDim               fixed channels per head (SD2/SDXL: 64), or -1 when {@code numHeads} is fixed
 * @param contextDim            cross-attention context width (768, 1024, 2048, ...)
 * @param linearProjection      proj_in/proj_out are Linear (SD2, SDXL) rather than 1×1 convs (SD1)
 * @param admInChannels         input width of {@code label_emb} (SDXL 2816), 0 when absent
 */
public record UNetConfig(
        int inChannels,
        int outChannels,
        int modelChannels,
        List<Integer> channelMult,
        int numResBlocks,
        List<Integer> transformerDepth,
        int transformerDepthMiddle,
        int numHeads,
        int headDim,
        int contextDim,
        boolean linearProjection,
        int admInChannels) {

    public UNetConfig {
        channelMult = List.copyOf(channelMult);
        transformerDepth = List.copyOf(transformerDepth);
        if (transformerDepth.size() != channelMult.size()) {
            throw new IllegalArgumentException("transformerDepth " + transformerDepth + " must have one entry per level "
                    + channelMult);
        }
        if ((numHeads > 0) == (headDim > 0)) {
            throw new IllegalArgumentException("exactly one of numHeads (" + numHeads + ") and headDim (" + headDim
                    + ") must be positive");
        }
    }

    /** Number of heads of a transformer with {@code channels} channels. */
    public int headsFor(int channels) {
        return numHeads > 0 ? numHeads : channels / headDim;
    }

    /** Width of the sinusoidal/MLP time embedding: 4 × modelChannels. */
    public int timeEmbedDim() {
        return 4 * modelChannels;
    }
}
