package jdiffusion.sd.conditioning;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.nn.tokenizer.ClipTokenizer;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * SDXL conditioning ({@code sd_models_xl.get_learned_conditioning} + sgm's
 * {@code GeneralConditioner}, spec §3.5).
 *
 * <p>Base: crossattn = CLIP-L hidden states ‖ bigG hidden states on the channel axis (768 + 1280);
 * vector = bigG pooled (chunk 0) ‖ E(height) ‖ E(width) ‖ E(crop top) ‖ E(crop left) ‖ E(height)
 * ‖ E(width) (original size = target size = the generation size). Refiner: bigG only, vector =
 * pooled ‖ E(h) ‖ E(w) ‖ E(top) ‖ E(left) ‖ E(aesthetic score). E is the 256-wide sinusoidal
 * embedding ([cos, sin], max period 10000). A negative batch whose texts are all empty gets zero
 * text outputs (crossattn and pooled); the size embeddings stay.
 */
public final class SdxlConditioner implements Conditioner {
    /** Width of each size/crop/aesthetic embedding. */
    public static final int SIZE_EMBEDDING = 256;

    private final Backend backend;
    private final ClipConditioner clipL;
    private final ClipConditioner bigG;
    private final ConditioningOptions options;

    private SdxlConditioner(Backend backend, ClipConditioner clipL, ClipConditioner bigG, ConditioningOptions options) {
        this.backend = backend;
        this.clipL = clipL;
        this.bigG = bigG;
        this.options = options;
    }

    /** SDXL base: CLIP-L (transformers tokenizer, eos padding) and bigG (open_clip tokenizer, zero padding). */
    public static SdxlConditioner base(Backend backend, TextEncoder clipL, TextEncoder bigG, EmbeddingDatabase embeddings,
                                       ConditioningOptions options) {
        ClipTokenizer tok = ClipTokenizer.standard();
        return new SdxlConditioner(backend,
                new ClipConditioner(backend, clipL, tok, ChunkerSpec.CLIP_L, embeddings, options),
                new ClipConditioner(backend, bigG, tok, ChunkerSpec.OPEN_CLIP, embeddings, options), options);
    }

    /** SDXL refiner: bigG only, aesthetic-score conditioning. */
    public static SdxlConditioner refiner(Backend backend, TextEncoder bigG, EmbeddingDatabase embeddings,
                                          ConditioningOptions options) {
        return new SdxlConditioner(backend, null,
                new ClipConditioner(backend, bigG, ClipTokenizer.standard(), ChunkerSpec.OPEN_CLIP, embeddings, options), options);
    }

    public boolean isRefiner() {
        return clipL == null;
    }

    @Override
    public List<Cond> encode(List<String> texts, Request request) {
        boolean zeroText = request.negative() && texts.stream().allMatch(String::isEmpty);
        ClipConditioner.Result g = bigG.encode(texts);
        if (g.pooled() == null) {
            throw new IllegalStateException("the SDXL OpenCLIP bigG encoder returned no pooled output");
        }
        Tensor cross = g.hidden();
        if (clipL != null) {
            ClipConditioner.Result l = clipL.encode(texts);
            if (l.hidden().dim(1) != cross.dim(1)) {
                throw new IllegalStateException("SDXL encoders produced different chunk counts (" + l.hidden().dim(1) / 77
                        + " vs " + cross.dim(1) / 77 + "): a prompt tokenizes differently for CLIP-L and bigG");
            }
            cross = backend.toHost(backend.concat(2, l.hidden(), cross)).asF32();
        }
        Tensor pooled = g.pooled();
        float[] sizes = isRefiner()
                ? new float[] {request.height(), request.width(), options.cropTop(), options.cropLeft(),
                        (float) (request.negative() ? options.lowAesthetic() : options.highAesthetic())}
                : new float[] {request.height(), request.width(), options.cropTop(), options.cropLeft(),
                        request.height(), request.width()};
        float[] sizeEmb = sizeEmbeddings(sizes);
        int p = pooled.dim(1);
        int n = texts.size();
        List<Cond> out = new ArrayList<>(n);
        for (int b = 0; b < n; b++) {
            float[] vec = new float[p + sizeEmb.length];
            if (!zeroText) {
                for (int i = 0; i < p; i++) {
                    vec[i] = pooled.get(b, i);
                }
            }
            System.arraycopy(sizeEmb, 0, vec, p, sizeEmb.length);
            Tensor ca = cross.slice(b, b + 1).reshape(cross.dim(1), cross.dim(2));
            if (zeroText) {
                ca = Tensor.zeros(ca.shape());
            }
            out.add(new Cond(ca, Tensor.of(vec, vec.length)));
        }
        return out;
    }

    /** E(s) for each value, concatenated: [cos(s·f_k), sin(s·f_k)], f_k = exp(−ln(10000)·k/128). */
    float[] sizeEmbeddings(float[] values) {
        float[] v = values.clone();
        if (options.halfPrecisionSizes()) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
            }
        }
        Tensor e = backend.toHost(backend.timestepEmbedding(Tensor.of(v, v.length), SIZE_EMBEDDING, true, 0f, 10000f));
        return e.toFloatArray();
    }

    @Override
    public java.util.Map<String, Embedding> usedEmbeddings(List<String> texts) {
        java.util.Map<String, Embedding> m = new java.util.LinkedHashMap<>();
        if (clipL != null) {
            m.putAll(EmbeddingUse.of(clipL.chunk(texts)));
        }
        m.putAll(EmbeddingUse.of(bigG.chunk(texts)));
        return m;
    }

    @Override
    public String cacheKey() {
        return (isRefiner() ? "sdxl-refiner:" : "sdxl:") + options;
    }
}
