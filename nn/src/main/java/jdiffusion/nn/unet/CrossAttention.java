package jdiffusion.nn.unet;

import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Linear;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * LDM {@code CrossAttention} ({@code attn1} self, {@code attn2} cross): to_q/to_k/to_v without bias,
 * {@code to_out.0} with bias, softmax(q·kᵀ/√d_head)·v per head.
 */
final class CrossAttention {
    private final Backend backend;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int heads;

    /** queryDim: the block's width; contextDim: the key/value source width (= queryDim for attn1). */
    CrossAttention(Weights w, int queryDim, int contextDim, int heads, int dimHead) {
        this.backend = w.backend();
        this.heads = heads;
        int inner = heads * dimHead;
        toQ = Linear.load(w.at("to_q"), queryDim, inner, false);
        toK = Linear.load(w.at("to_k"), contextDim, inner, false);
        toV = Linear.load(w.at("to_v"), contextDim, inner, false);
        toOut = Linear.load(w.at("to_out.0"), inner, queryDim, true);
    }

    // x: [B, N, queryDim], context: [B, L, contextDim] -> [B, N, queryDim]
    Tensor forward(Tensor x, Tensor context) {
        Tensor a = backend.attention(toQ.forward(x), toK.forward(context), toV.forward(context), heads, false);
        return toOut.forward(a);
    }
}
