package jdiffusion.nn.unet;

import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.LayerNorm;
import jdiffusion.nn.layers.Linear;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * LDM {@code BasicTransformerBlock}: x += attn1(norm1(x)); x += attn2(norm2(x), context);
 * x += ff(norm3(x)), where ff = {@code ff.net.0.proj} (GEGLU: the projection's first half times
 * GELU of its second half) then {@code ff.net.2}; inner width 4·dim.
 */
final class BasicTransformerBlock {
    private static final float EPS = 1e-5f;

    private final Backend backend;
    private final LayerNorm norm1;
    private final CrossAttention attn1;
    private final LayerNorm norm2;
    private final CrossAttention attn2;
    private final LayerNorm norm3;
    private final Linear ffProj;
    private final Linear ffOut;

    BasicTransformerBlock(Weights w, int dim, int heads, int dimHead, int contextDim) {
        this.backend = w.backend();
        int inner = 4 * dim;
        norm1 = LayerNorm.load(w.at("norm1"), dim, EPS);
        attn1 = new CrossAttention(w.at("attn1"), dim, dim, heads, dimHead);
        norm2 = LayerNorm.load(w.at("norm2"), dim, EPS);
        attn2 = new CrossAttention(w.at("attn2"), dim, contextDim, heads, dimHead);
        norm3 = LayerNorm.load(w.at("norm3"), dim, EPS);
        ffProj = Linear.load(w.at("ff.net.0.proj"), dim, 2 * inner, true);
        ffOut = Linear.load(w.at("ff.net.2"), inner, dim, true);
    }

    // x: [B, N, dim], context: [B, L, contextDim] -> [B, N, dim]
    Tensor forward(Tensor x, Tensor context) {
        Tensor h = norm1.forward(x);
        x = backend.addInPlace(attn1.forward(h, h), x);
        x = backend.addInPlace(attn2.forward(norm2.forward(x), context), x);
        Tensor ff = ffOut.forward(backend.geglu(ffProj.forward(norm3.forward(x))));
        return backend.addInPlace(ff, x);
    }
}
