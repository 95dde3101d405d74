package jdiffusion.sd.conditioning;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.nn.tokenizer.ClipTokenizer;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * One text encoder with the webui's prompt handling around it
 * ({@code FrozenCLIPEmbedderWithCustomWordsBase.forward}, spec §3.2–3.4): every text is chunked;
 * chunk i of all texts is encoded as one batch (texts with fewer chunks use the empty chunk), the
 * emphasis weights are applied to that batch (so "Original" normalises over all texts of the call),
 * and the chunks are concatenated along the token axis. The pooled output comes from chunk 0.
 */
public final class ClipConditioner {
    private final Backend backend;
    private final TextEncoder encoder;
    private final PromptChunker chunker;
    private final Emphasis emphasis;
    private final int clipSkip;

    public ClipConditioner(Backend backend, TextEncoder encoder, ClipTokenizer tokenizer, ChunkerSpec spec,
                           EmbeddingDatabase embeddings, ConditioningOptions options) {
        this.backend = backend;
        this.encoder = encoder;
        this.chunker = new PromptChunker(tokenizer, spec, embeddings, options.emphasis(), options.commaBacktrack());
        this.emphasis = options.emphasis();
        this.clipSkip = options.clipSkip();
    }

    /**
     * @param hidden         [B, 77·k, C] float32 (host) conditioning
     * @param pooled         [B, P] from chunk 0, or null when the encoder has no pooled output
     * @param tokenCount     the largest webui token count of the texts
     * @param usedEmbeddings textual-inversion embeddings placed in any chunk, by name
     */
    public record Result(Tensor hidden, Tensor pooled, int tokenCount, Map<String, Embedding> usedEmbeddings) {
    }

    /** Chunks of each text (exposed for inspection and tests). */
    public List<PromptChunker.Result> chunk(List<String> texts) {
        Map<String, PromptChunker.Result> cache = new HashMap<>();
        List<PromptChunker.Result> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(cache.computeIfAbsent(t, chunker::chunk));
        }
        return out;
    }

    /** Encodes a batch of texts jointly. */
    public Result encode(List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to encode");
        }
        List<PromptChunker.Result> chunked = chunk(texts);
        int n = texts.size();
        int chunks = 0;
        int tokenCount = 0;
        for (PromptChunker.Result r : chunked) {
            chunks = Math.max(chunks, r.chunks().size());
            tokenCount = Math.max(tokenCount, r.tokenCount());
        }
        ChunkerSpec spec = chunker.spec();
        int t = ChunkerSpec.CHUNK_IDS;
        int c = encoder.width();
        float[] out = new float[n * chunks * t * c];
        Tensor pooled = null;
        Map<String, Embedding> used = new LinkedHashMap<>();
        for (int ci = 0; ci < chunks; ci++) {
            float[] ids = new float[n * t];
            float[][] weights = new float[n][t];
            List<List<TextEncoder.TokenOverride>> overrides = new ArrayList<>(n);
            for (int b = 0; b < n; b++) {
                List<PromptChunk> mine = chunked.get(b).chunks();
                PromptChunk chunk = ci < mine.size() ? mine.get(ci) : PromptChunk.empty(spec);
                int[] enc = chunk.encoderIds(spec);
                for (int i = 0; i < t; i++) {
                    ids[b * t + i] = enc[i];
                    weights[b][i] = (float) chunk.multipliers()[i];
                }
                List<TextEncoder.TokenOverride> rowOverrides = new ArrayList<>();
                for (PromptChunk.Fix fix : chunk.fixes()) {
                    used.put(fix.embedding().name(), fix.embedding());
                    Tensor vec = fix.embedding().vectorsFor(spec.embeddingKey());
                    if (vec.dim(1) != encoder.tokenWidth()) {
                        throw new IllegalArgumentException("embedding '" + fix.embedding().name() + "' vectors are "
                                + vec.dim(1) + " wide, the text encoder's tokens " + encoder.tokenWidth());
                    }
                    int count = Math.min(t - fix.offset() - 1, vec.dim(0));
                    if (count > 0) {
                        rowOverrides.add(new TextEncoder.TokenOverride(fix.offset() + 1, vec.slice(0, count)));
                    }
                }
                overrides.add(rowOverrides);
            }
            TextEncoder.Encoded e = encoder.encode(Tensor.of(ids, n, t), overrides, clipSkip);
            Tensor z = backend.toHost(e.hidden()).requireShape("text encoder output for chunk " + ci, n, t, c);
            float[] zv = z.toFloatArray();
            emphasis.apply(zv, n, t, c, weights);
            for (int b = 0; b < n; b++) {
                System.arraycopy(zv, b * t * c, out, ((b * chunks) + ci) * t * c, t * c);
            }
            if (ci == 0 && e.pooled() != null) {
                pooled = backend.toHost(e.pooled()).asF32();
            }
        }
        return new Result(Tensor.of(out, n, chunks * t, c), pooled, tokenCount, used);
    }

    public TextEncoder encoder() {
        return encoder;
    }
}
