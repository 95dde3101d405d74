package jdiffusion.nn.clip;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.LayerNorm;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * The CLIP text transformer of SD1 (OpenAI CLIP-L, HF naming), SD2 (OpenCLIP ViT-H) and SDXL (both),
 * built from the weights under {@link TextEncoderConfig#prefix()}.
 *
 * <p>HF layout: {@code embeddings.token_embedding.weight}, {@code embeddings.position_embedding.weight},
 * {@code encoder.layers.N.*}, {@code final_layer_norm}. OpenCLIP layout: {@code token_embedding.weight}, {@code positional_embedding},
 * {@code transformer.resblocks.N.*}, {@code ln_final}, {@code text_projection} ([W, P], applied as
 * {@code x @ text_projection}).
 */
public final class ClipTextModel {
    private final Backend backend;
    private final TextEncoderConfig config;
    private final Tensor tokenEmbedding;
    private final Tensor positionEmbedding;
    private final List<ClipEncoderLayer> layers;
    private final LayerNorm finalNorm;
    private final Tensor projection;

    /** Builds the encoder from weights already scoped to its prefix. */
    public ClipTextModel(Backend backend, TensorSource weights, TextEncoderConfig config) {
        this.backend = backend;
        this.config = config;
        Weights w = new Weights(backend, weights);
        int d = config.width();
        if (config.heads() <= 0 || d % config.heads() != 0) {
            throw new IllegalArgumentException("text encoder " + config.prefix() + ": width " + d
                    + " is not divisible by " + config.heads() + " heads");
        }
        boolean hf = config.layout() == TextEncoderConfig.Layout.HF_CLIP;
        tokenEmbedding = w.matrix(hf ? "embeddings.token_embedding.weight" : "token_embedding.weight",
                config.vocabSize(), d);
        positionEmbedding = w.vector(hf ? "embeddings.position_embedding.weight" : "positional_embedding",
                config.maxPositions(), d);
        List<ClipEncoderLayer> ls = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            ls.add(hf ? ClipEncoderLayer.loadHf(w.at("encoder.layers." + i), config)
                    : ClipEncoderLayer.loadOpenClip(w.at("transformer.resblocks." + i), config));
        }
        layers = List.copyOf(ls);
        finalNorm = LayerNorm.load(w.at(hf ? "final_layer_norm" : "ln_final"), d, config.eps());
        int p = config.projectionDim();
        if (p > 0 && hf) {
            // In the internal (LDM/sgm) naming only OpenCLIP-layout encoders carry a projection.
            throw new IllegalArgumentException("text encoder " + config.prefix() + ": a projection (" + p
                    + ") is only supported in the OpenCLIP layout (text_projection [width, proj])");
        }
        projection = p <= 0 ? null : w.matrix("text_projection", d, p);
    }

    /** Builds the encoder from a whole checkpoint, reading the keys under {@code config.prefix()}. */
    public static ClipTextModel fromCheckpoint(Backend backend, TensorSource checkpoint, TextEncoderConfig config) {
        return new ClipTextModel(backend, checkpoint.scoped(config.prefix()), config);
    }

    /** The final layer norm ({@code final_layer_norm} / {@code ln_final}) on x: [B, T, W]; SD1 applies it to an earlier layer's output for "Clip skip" ≥ 2. */
    public Tensor finalLayerNorm(Tensor x) {
        return finalNorm.forward(x);
    }

    public TextEncoderConfig config() {
        return config;
    }

    /** ids: [B, T] token ids (T ≤ maxPositions; any integer dtype) -> every hidden state and the pooled vectors. */
    public ClipTextOutput forward(Tensor ids) {
        return forward(ids, null);
    }

    /**
     * As {@link #forward(Tensor)}, but {@code editTokenEmbeddings} (when not null) may change the
     * token embeddings [B, T, W] before the position embeddings are added — how textual-inversion
     * vectors replace the placeholder tokens of a prompt. The pooled position still comes from the ids.
     */
    public ClipTextOutput forward(Tensor ids, UnaryOperator<Tensor> editTokenEmbeddings) {
        if (ids.rank() != 2 || ids.dim(1) < 1 || ids.dim(1) > config.maxPositions()) {
            throw new IllegalArgumentException("input_ids: expected [batch, tokens] with 1.." + config.maxPositions()
                    + " tokens, got " + ids);
        }
        int b = ids.dim(0);
        int t = ids.dim(1);
        int d = config.width();
        long[] idv = TokenIds.read(ids, config.vocabSize());
        Tensor x = backend.embedding(tokenEmbedding, ids);                  // [B, T, W]
        if (editTokenEmbeddings != null) {
            x = editTokenEmbeddings.apply(x).requireShape("edited token embeddings", b, t, d);
        }
        x = backend.addInPlace(x, positionEmbedding.slice(0, t));           // + positions 0..T-1
        List<Tensor> hidden = new ArrayList<>(layers.size() + 1);
        hidden.add(x);
        for (ClipEncoderLayer layer : layers) {
            x = layer.forward(x);
            hidden.add(x);
        }
        Tensor last = finalNorm.forward(x);
        // The causal mask means the pooled eos row never sees the padding after it.
        int[] pos = TokenIds.firstArgmax(idv, b, t);
        Tensor[] rows = new Tensor[b];
        for (int i = 0; i < b; i++) {
            rows[i] = backend.narrow(last.slice(i, i + 1), 1, pos[i], 1);   // [1, 1, W]
        }
        Tensor pooled = backend.concat(0, rows).reshape(b, d);
        Tensor embeds = null;
        if (projection != null) {
            embeds = backend.matmul(pooled, projection, false);                 // [B, W] @ [W, P]
        }
        return new ClipTextOutput(hidden, last, pooled, embeds);
    }
}
