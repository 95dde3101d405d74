package jdiffusion.nn.clip;

import java.util.List;
import jdiffusion.tensor.Tensor;

/**
 * What a CLIP text encoder computes, named as transformers names it.
 *
 * @param hiddenStates    L + 1 tensors [B, T, W]: index 0 the token + position embeddings, index i
 *                        the output of layer i, before the final layer norm ("CLIP skip" N reads
 *                        index L + 1 − N; SDXL reads L − 1)
 * @param lastHiddenState final_layer_norm(hiddenStates[L]) [B, T, W] (SD1's conditioning)
 * @param pooled          lastHiddenState at each row's first maximal id (the first eos) [B, W]
 * @param textEmbeds      pooled projected by {@code text_projection} [B, P] (SDXL encoder 2), or
 *                        null when the encoder has no projection
 */
public record ClipTextOutput(List<Tensor> hiddenStates, Tensor lastHiddenState, Tensor pooled, Tensor textEmbeds) {
    public ClipTextOutput {
        hiddenStates = List.copyOf(hiddenStates);
    }
}
