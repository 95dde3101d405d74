package jdiffusion.sd.conditioning;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.tensor.Tensor;

/**
 * A textual-inversion embedding: vectors that replace the token embeddings where the embedding's
 * name appears in a prompt. Single-encoder files hold one [k, width] matrix (key {@link #SINGLE});
 * SDXL files hold {@code clip_l} [k, 768] and {@code clip_g} [k, 1280].
 *
 * @param name    what a prompt writes to use it (the file name without extension)
 * @param vectors float32 matrices by key
 * @param file    where it was loaded from (null for in-memory embeddings)
 */
public record Embedding(String name, Map<String, Tensor> vectors, Path file) {
    /** Key of the matrix of a single-encoder embedding. */
    public static final String SINGLE = "";

    public Embedding {
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException("embedding '" + name + "' has no vectors");
        }
        Map<String, Tensor> copy = new LinkedHashMap<>();
        int count = -1;
        for (Map.Entry<String, Tensor> e : vectors.entrySet()) {
            Tensor v = e.getValue();
            if (v.rank() == 1) {
                v = v.reshape(1, v.dim(0));
            }
            if (v.rank() != 2) {
                throw new IllegalArgumentException("embedding '" + name + "': vectors '" + e.getKey() + "' must be [count, width], got "
                        + v);
            }
            if (count >= 0 && v.dim(0) != count) {
                throw new IllegalArgumentException("embedding '" + name + "': '" + e.getKey() + "' has " + v.dim(0)
                        + " vectors, other keys " + count);
            }
            count = v.dim(0);
            copy.put(e.getKey(), v.asF32());
        }
        vectors = Collections.unmodifiableMap(copy);
    }

    /** Number of prompt positions the embedding fills (the webui's {@code vectors}). */
    public int vectorCount() {
        return vectors.values().iterator().next().dim(0);
    }

    /** The webui's {@code shape}: width of a single matrix, or the sum of the widths of an SDXL pair. */
    public int width() {
        int w = 0;
        for (Tensor t : vectors.values()) {
            w += t.dim(1);
        }
        return w;
    }

    /** The matrix an encoder uses: its own key for SDXL files, the single matrix otherwise. */
    public Tensor vectorsFor(String encoderKey) {
        Tensor t = vectors.get(SINGLE);
        if (t != null) {
            return t;
        }
        t = vectors.get(encoderKey);
        if (t == null) {
            throw new IllegalArgumentException("embedding '" + name + "' has no '" + encoderKey + "' vectors (has "
                    + vectors.keySet() + ")");
        }
        return t;
    }
}
