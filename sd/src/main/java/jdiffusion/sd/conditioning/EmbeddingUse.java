package jdiffusion.sd.conditioning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The embeddings placed in chunked prompts, by name, in order of first use. */
final class EmbeddingUse {
    private EmbeddingUse() {
    }

    static Map<String, Embedding> of(List<PromptChunker.Result> chunked) {
        Map<String, Embedding> m = new LinkedHashMap<>();
        for (PromptChunker.Result r : chunked) {
            for (PromptChunk c : r.chunks()) {
                for (PromptChunk.Fix f : c.fixes()) {
                    m.putIfAbsent(f.embedding().name(), f.embedding());
                }
            }
        }
        return m;
    }
}
