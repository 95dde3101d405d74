package jdiffusion.sd.conditioning;

import java.util.List;

/**
 * A model family's text conditioning ({@code model.get_learned_conditioning}): texts in, one
 * {@link Cond} per text out. All texts of one call are encoded together (emphasis normalises over
 * them), which is how the webui encodes the schedule variants of one prompt.
 */
public interface Conditioner {

    /**
     * @param negative a negative-prompt batch (SDXL zeroes an all-empty one; the refiner uses the low
     *                 aesthetic score)
     * @param width    generation width (SDXL size conditioning)
     * @param height   generation height
     */
    record Request(boolean negative, int width, int height) {
    }

    List<Cond> encode(List<String> texts, Request request);

    /** The textual-inversion embeddings these texts use, by name (for the infotext's {@code TI hashes}). */
    java.util.Map<String, Embedding> usedEmbeddings(List<String> texts);

    /** A short description of the options the result depends on, for cache keys. */
    String cacheKey();
}
