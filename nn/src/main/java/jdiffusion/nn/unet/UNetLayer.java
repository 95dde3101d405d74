package jdiffusion.nn.unet;

import jdiffusion.tensor.Tensor;

/**
 * A module inside one of the UNet's {@code TimestepEmbedSequential} blocks: ResBlocks read the
 * time embedding, SpatialTransformers the text context, the rest only x.
 */
sealed interface UNetLayer permits ResBlock, SpatialTransformer, Downsample, Upsample, InputConv {

    /**
     * x: [B, C, H, W]; embSilu: SiLU(time embedding) [B, 4·model_channels]; context: [B, L, context_dim]
     * -> [B, C', H', W'].
     */
    Tensor forward(Tensor x, Tensor embSilu, Tensor context);
}
