package jdiffusion.sd.conditioning;

import java.util.List;
import java.util.function.UnaryOperator;
import jdiffusion.nn.clip.ClipTextModel;
import jdiffusion.nn.clip.ClipTextOutput;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * {@link TextEncoder} over the nn module's {@link ClipTextModel}, choosing the hidden states each
 * model family conditions on (spec §3.3; L = number of layers, hidden[i] = output of layer i):
 * SD1 hidden[L] after the final norm (Clip skip N ≥ 2: final_layer_norm(hidden[L + 1 − N]));
 * SD2 final norm of hidden[L − 1]; SDXL CLIP-L hidden[L − 1]; SDXL bigG hidden[L − 1] plus the
 * projected pooled output.
 */
public final class ClipTextEncoder implements TextEncoder {

    /** Which output of the transformer is the conditioning. */
    public enum Role {
        /** SD1 CLIP-L: last layer (normed), Clip skip honoured. */
        SD1,
        /** SD2 OpenCLIP ViT-H: penultimate layer, normed. */
        SD2,
        /** SDXL CLIP-L: penultimate layer, not normed. */
        SDXL_CLIP_L,
        /** SDXL (and refiner) OpenCLIP bigG: penultimate layer, not normed, plus text_embeds. */
        SDXL_BIG_G
    }

    private final Backend backend;
    private final ClipTextModel model;
    private final Role role;

    public ClipTextEncoder(Backend backend, ClipTextModel model, Role role) {
        this.backend = backend;
        this.model = model;
        this.role = role;
    }

    @Override
    public int tokenWidth() {
        return model.config().width();
    }

    @Override
    public int width() {
        return model.config().width();
    }

    @Override
    public Encoded encode(Tensor ids, List<List<TokenOverride>> overrides, int clipSkip) {
        ClipTextOutput out = model.forward(ids, editor(overrides));
        int layers = model.config().layers();
        List<Tensor> hs = out.hiddenStates();
        Tensor hidden = switch (role) {
            case SD1 -> {
                if (clipSkip <= 1) {
                    yield out.lastHiddenState();
                }
                if (clipSkip > layers) {
                    throw new IllegalArgumentException("Clip skip " + clipSkip + " exceeds the text encoder's " + layers + " layers");
                }
                yield model.finalLayerNorm(hs.get(layers + 1 - clipSkip));
            }
            case SD2 -> model.finalLayerNorm(hs.get(layers - 1));
            case SDXL_CLIP_L, SDXL_BIG_G -> hs.get(layers - 1);
        };
        Tensor pooled = null;
        if (role == Role.SDXL_BIG_G) {
            pooled = out.textEmbeds();
            if (pooled == null) {
                throw new IllegalStateException("the SDXL OpenCLIP encoder has no text_projection");
            }
        }
        return new Encoded(hidden, pooled);
    }

    /** Writes textual-inversion vectors over the token embeddings of their positions. */
    private UnaryOperator<Tensor> editor(List<List<TokenOverride>> overrides) {
        if (overrides.stream().allMatch(List::isEmpty)) {
            return null;
        }
        return x -> {
            Tensor h = backend.toHost(x).copy(); // [B, T, W]
            int t = h.dim(1);
            int w = h.dim(2);
            float[] a = h.array();
            for (int b = 0; b < overrides.size(); b++) {
                for (TokenOverride o : overrides.get(b)) {
                    float[] v = o.vectors().toFloatArray();
                    if (o.vectors().dim(1) != w) {
                        throw new IllegalArgumentException("textual-inversion vectors " + o.vectors() + " do not fit token width " + w);
                    }
                    int rows = Math.min(o.vectors().dim(0), t - o.position());
                    System.arraycopy(v, 0, a, (b * t + o.position()) * w, rows * w);
                }
            }
            return backend.load(h);
        };
    }
}
