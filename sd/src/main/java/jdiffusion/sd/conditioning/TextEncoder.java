package jdiffusion.sd.conditioning;

import java.util.List;
import jdiffusion.tensor.Tensor;

/**
 * The conditioning code's view of one CLIP text transformer (implemented over the nn module's
 * CLIP model by an adapter; tests use small deterministic fakes). It encodes batches of 77-token
 * chunks and returns the hidden states the model family conditions on:
 *
 * <ul>
 *   <li>SD1 CLIP-L: {@code last_hidden_state} for clip skip 1, else {@code final_layer_norm(
 *       hidden_states[-clipSkip])};</li>
 *   <li>SD2 OpenCLIP ViT-H: output of the penultimate block, then {@code ln_final} (clip skip ignored);</li>
 *   <li>SDXL CLIP-L: {@code hidden_states[11]} (no final norm); SDXL / refiner OpenCLIP bigG: output of
 *       the penultimate block (no final norm) plus the pooled {@code text_embeds}.</li>
 * </ul>
 */
public interface TextEncoder {

    /** Width of one token-embedding row: what textual-inversion vectors for this encoder must have. */
    int tokenWidth();

    /** Channels of the returned hidden states. */
    int width();

    /**
     * ids: [n, 77] float32 tensor holding integer token ids (start, tokens, end/padding, already in
     * the encoder's padding convention). {@code overrides.get(row)} replaces token embeddings of that
     * row before position embeddings are added (textual inversion). Returns hidden states [n, 77, width]
     * and, for encoders that have one, the pooled projection [n, P] (else null).
     */
    Encoded encode(Tensor ids, List<List<TokenOverride>> overrides, int clipSkip);

    /** Hidden states and optional pooled output. */
    record Encoded(Tensor hidden, Tensor pooled) {
    }

    /**
     * Rows {@code position .. position + vectors.dim(0) - 1} of a chunk's token embeddings are
     * replaced by {@code vectors} ([k, tokenWidth], float32).
     */
    record TokenOverride(int position, Tensor vectors) {
    }
}
