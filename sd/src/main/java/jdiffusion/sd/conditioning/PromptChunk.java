package jdiffusion.sd.conditioning;

import java.util.List;

/**
 * 77 token ids of one chunk (start token, 75 prompt tokens or end-token filler, end token), the
 * attention weight of each position (1.0 at start/end/filler), and the textual-inversion
 * embeddings placed in it.
 *
 * @param tokens      77 ids; embedding positions hold placeholder id 0
 * @param multipliers 77 weights as the webui computes them (f64 products)
 * @param fixes       embeddings: {@code offset} counts prompt positions (so the vectors go to
 *                    chunk positions offset+1 ...)
 */
public record PromptChunk(int[] tokens, double[] multipliers, List<Fix> fixes) {

    /** An embedding placed at prompt position {@code offset} of the chunk. */
    public record Fix(int offset, Embedding embedding) {
    }

    public PromptChunk {
        if (tokens.length != ChunkerSpec.CHUNK_IDS || multipliers.length != ChunkerSpec.CHUNK_IDS) {
            throw new IllegalArgumentException("a chunk has " + ChunkerSpec.CHUNK_IDS + " ids and weights, got "
                    + tokens.length + " / " + multipliers.length);
        }
        fixes = List.copyOf(fixes);
    }

    /** The chunk standing in for a prompt that has fewer chunks than others in its batch. */
    public static PromptChunk empty(ChunkerSpec spec) {
        int[] t = new int[ChunkerSpec.CHUNK_IDS];
        java.util.Arrays.fill(t, spec.idEnd());
        t[0] = spec.idStart();
        double[] m = new double[ChunkerSpec.CHUNK_IDS];
        java.util.Arrays.fill(m, 1.0);
        return new PromptChunk(t, m, List.of());
    }

    /**
     * The ids the encoder sees: for encoders whose padding id differs from the end id, every
     * position after the FIRST end token becomes the padding id.
     */
    public int[] encoderIds(ChunkerSpec spec) {
        int[] ids = tokens.clone();
        if (spec.idPad() != spec.idEnd()) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == spec.idEnd()) {
                    for (int j = i + 1; j < ids.length; j++) {
                        ids[j] = spec.idPad();
                    }
                    break;
                }
            }
        }
        return ids;
    }
}
