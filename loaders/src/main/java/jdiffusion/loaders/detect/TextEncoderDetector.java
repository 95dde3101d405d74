package jdiffusion.loaders.detect;

import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.tensor.Activation;

/**
 * CLIP text-transformer hyper-parameters from names and shapes. Heads are width / 64 (true of
 * every CLIP text model SD uses); the activation follows the naming: OpenAI CLIP-L (HF names)
 * uses quick_gelu, OpenCLIP ViT-H / bigG exact GELU.
 */
final class TextEncoderDetector {
    static final int HEAD_WIDTH = 64;

    private TextEncoderDetector() {
    }

    /** {@code prefix} ends in {@code text_model.}. */
    static TextEncoderConfig hf(Keys k, String prefix) {
        int[] tok = k.shape(prefix + "embeddings.token_embedding.weight", 2);
        int positions = k.dim(prefix + "embeddings.position_embedding.weight", 2, 0);
        int layers = k.count(prefix + "encoder.layers.");
        int mlp = k.dim(prefix + "encoder.layers.0.mlp.fc1.weight", 2, 0);
        k.shape(prefix + "final_layer_norm.weight", 1);
        return new TextEncoderConfig(prefix, TextEncoderConfig.Layout.HF_CLIP, tok[0], positions, tok[1],
                heads(k, tok[1]), layers, mlp, Activation.QUICK_GELU, 0, 1e-5f);
    }

    /**
     * {@code prefix} ends in {@code model.}. {@code pooled}: the family uses the projected pooled
     * output (SDXL); SD 2.x does not, so its projection width is 0 ("unused") even though the file
     * stores {@code text_projection}.
     */
    static TextEncoderConfig openClip(Keys k, String prefix, boolean pooled) {
        int[] tok = k.shape(prefix + "token_embedding.weight", 2);
        int positions = k.dim(prefix + "positional_embedding", 2, 0);
        int layers = k.count(prefix + "transformer.resblocks.");
        int mlp = k.dim(prefix + "transformer.resblocks.0.mlp.c_fc.weight", 2, 0);
        int inProj = k.dim(prefix + "transformer.resblocks.0.attn.in_proj_weight", 2, 0);
        if (inProj != 3 * tok[1]) {
            throw new ModelFormatException(k.where() + ": " + prefix + "transformer.resblocks.0.attn.in_proj_weight has "
                    + inProj + " rows, expected 3 × " + tok[1]);
        }
        k.shape(prefix + "ln_final.weight", 1);
        int projection = pooled ? k.dim(prefix + "text_projection", 2, 1) : 0;
        return new TextEncoderConfig(prefix, TextEncoderConfig.Layout.OPEN_CLIP, tok[0], positions, tok[1],
                heads(k, tok[1]), layers, mlp, Activation.GELU, projection, 1e-5f);
    }

    private static int heads(Keys k, int width) {
        if (width % HEAD_WIDTH != 0) {
            throw new ModelFormatException(k.where() + ": text encoder width " + width + " is not a multiple of "
                    + HEAD_WIDTH + " (head width)");
        }
        return width / HEAD_WIDTH;
    }
}
