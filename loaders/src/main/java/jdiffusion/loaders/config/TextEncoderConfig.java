package jdiffusion.loaders.config;

import jdiffusion.tensor.Activation;

/**
 * A CLIP text transformer.
 *
 * @param prefix        key prefix of its weights in the internal (LDM single-file) naming, e.g.
 *                      {@code cond_stage_model.transformer.text_model.} or {@code conditioner.embedders.1.model.}
 * @param layout        HF transformers naming (CLIP-L) or OpenCLIP naming (ViT-H, ViT-bigG)
 * @param vocabSize     49408
 * @param maxPositions  77
 * @param width         hidden size (768 CLIP-L, 1024 ViT-H, 1280 bigG)
 * @param heads         attention heads
 * @param layers        transformer layers
 * @param mlpWidth      MLP hidden size
 * @param activation    QUICK_GELU (OpenAI CLIP-L) or GELU (OpenCLIP)
 * @param projectionDim width of {@code text_projection} (SDXL's pooled vector), 0 when unused
 * @param eps           layer-norm epsilon (1e-5)
 */
public record TextEncoderConfig(String prefix, Layout layout, int vocabSize, int maxPositions, int width, int heads,
                                int layers, int mlpWidth, Activation activation, int projectionDim, float eps) {

    /** Weight naming of a text encoder. */
    public enum Layout {
        /** transformers' CLIPTextModel: embeddings.token_embedding, encoder.layers.N.self_attn.q_proj, final_layer_norm. */
        HF_CLIP,
        /** open_clip: token_embedding, positional_embedding, transformer.resblocks.N.attn.in_proj_weight, ln_final, text_projection. */
        OPEN_CLIP
    }
}
