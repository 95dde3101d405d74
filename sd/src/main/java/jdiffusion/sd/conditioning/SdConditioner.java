package jdiffusion.sd.conditioning;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.nn.tokenizer.ClipTokenizer;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * SD1 (CLIP-L) and SD2 (OpenCLIP ViT-H) conditioning: one encoder, context only. An empty negative
 * prompt is encoded like any text.
 */
public final class SdConditioner implements Conditioner {
    private final ClipConditioner clip;
    private final String key;

    public SdConditioner(Backend backend, TextEncoder encoder, ChunkerSpec spec, EmbeddingDatabase embeddings,
                         ConditioningOptions options) {
        this.clip = new ClipConditioner(backend, encoder, ClipTokenizer.standard(), spec, embeddings, options);
        this.key = "sd:" + spec + ":" + options;
    }

    /** SD1: CLIP-L with the transformers tokenizer. */
    public static SdConditioner sd1(Backend backend, TextEncoder clipL, EmbeddingDatabase embeddings, ConditioningOptions options) {
        return new SdConditioner(backend, clipL, ChunkerSpec.CLIP_L, embeddings, options);
    }

    /** SD2: OpenCLIP ViT-H with open_clip's tokenizer and zero padding. */
    public static SdConditioner sd2(Backend backend, TextEncoder vitH, EmbeddingDatabase embeddings, ConditioningOptions options) {
        return new SdConditioner(backend, vitH, ChunkerSpec.OPEN_CLIP, embeddings, options);
    }

    @Override
    public List<Cond> encode(List<String> texts, Request request) {
        Tensor z = clip.encode(texts).hidden();
        List<Cond> out = new ArrayList<>(texts.size());
        for (int b = 0; b < texts.size(); b++) {
            out.add(new Cond(z.slice(b, b + 1).reshape(z.dim(1), z.dim(2)), null));
        }
        return out;
    }

    @Override
    public java.util.Map<String, Embedding> usedEmbeddings(List<String> texts) {
        return EmbeddingUse.of(clip.chunk(texts));
    }

    @Override
    public String cacheKey() {
        return key;
    }

    public ClipConditioner clip() {
        return clip;
    }
}
