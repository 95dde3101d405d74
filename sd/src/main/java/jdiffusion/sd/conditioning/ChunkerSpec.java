package jdiffusion.sd.conditioning;

import jdiffusion.nn.tokenizer.ClipTokenizer;

/**
 * How prompts are turned into 77-token chunks for one text encoder (spec §3.1–3.2).
 *
 * @param frontend     the tokenizer front-end the webui uses for that encoder
 * @param idStart      start-of-text id (49406)
 * @param idEnd        end-of-text id (49407), also the chunk filler
 * @param idPad        what follows the first end token when the chunk is encoded: 49407 for CLIP-L,
 *                     0 for the OpenCLIP encoders
 * @param embeddingKey which vectors of a two-encoder (SDXL) textual-inversion file this encoder uses
 */
public record ChunkerSpec(ClipTokenizer.Frontend frontend, int idStart, int idEnd, int idPad, String embeddingKey) {
    /** Tokens per chunk between start and end token. */
    public static final int CHUNK_LENGTH = 75;
    /** Ids per encoded chunk. */
    public static final int CHUNK_IDS = CHUNK_LENGTH + 2;

    /** SD1's and SDXL's CLIP ViT-L: transformers tokenizer, padded with the end token. */
    public static final ChunkerSpec CLIP_L = new ChunkerSpec(ClipTokenizer.Frontend.TRANSFORMERS,
            ClipTokenizer.BOS, ClipTokenizer.EOS, ClipTokenizer.EOS, "clip_l");
    /** SD2's ViT-H and SDXL's ViT-bigG: open_clip tokenizer, padded with 0 after the end token. */
    public static final ChunkerSpec OPEN_CLIP = new ChunkerSpec(ClipTokenizer.Frontend.OPEN_CLIP,
            ClipTokenizer.BOS, ClipTokenizer.EOS, 0, "clip_g");
}
