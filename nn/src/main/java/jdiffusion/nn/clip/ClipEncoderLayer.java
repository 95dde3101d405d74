package jdiffusion.nn.clip;

import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.LayerNorm;
import jdiffusion.nn.layers.Linear;
import jdiffusion.tensor.Activation;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * One pre-norm CLIP transformer layer with causal self-attention:
 * x += out_proj(attn(q, k, v)(ln1(x))); x += fc2(act(fc1(ln2(x)))).
 *
 * <p>The computation is the same in both checkpoint layouts; only the names differ, so each layout
 * has its own factory that spells out its keys: HF transformers ({@code encoder.layers.N.*}) and
 * OpenCLIP ({@code transformer.resblocks.N.*}, with q, k, v stacked in {@code in_proj_weight}).
 */
final class ClipEncoderLayer {
    private final Backend backend;
    private final LayerNorm ln1;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear outProj;
    private final LayerNorm ln2;
    private final Linear fc1;
    private final Linear fc2;
    private final Activation act;
    private final int heads;

    private ClipEncoderLayer(Backend backend, LayerNorm ln1, Linear q, Linear k, Linear v, Linear outProj,
                             LayerNorm ln2, Linear fc1, Linear fc2, Activation act, int heads) {
        this.backend = backend;
        this.ln1 = ln1;
        this.q = q;
        this.k = k;
        this.v = v;
        this.outProj = outProj;
        this.ln2 = ln2;
        this.fc1 = fc1;
        this.fc2 = fc2;
        this.act = act;
        this.heads = heads;
    }

    /** HF layout: {@code layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2, mlp.fc1, mlp.fc2}. */
    static ClipEncoderLayer loadHf(Weights w, TextEncoderConfig c) {
        int d = c.width();
        Weights attn = w.at("self_attn");
        return new ClipEncoderLayer(w.backend(),
                LayerNorm.load(w.at("layer_norm1"), d, c.eps()),
                Linear.load(attn.at("q_proj"), d, d, true),
                Linear.load(attn.at("k_proj"), d, d, true),
                Linear.load(attn.at("v_proj"), d, d, true),
                Linear.load(attn.at("out_proj"), d, d, true),
                LayerNorm.load(w.at("layer_norm2"), d, c.eps()),
                Linear.load(w.at("mlp.fc1"), d, c.mlpWidth(), true),
                Linear.load(w.at("mlp.fc2"), c.mlpWidth(), d, true),
                c.activation(), c.heads());
    }

    /**
     * OpenCLIP layout: {@code ln_1, attn.in_proj_weight [3W, W] / in_proj_bias [3W] (rows q; k; v),
     * attn.out_proj, ln_2, mlp.c_fc, mlp.c_proj}. The q/k/v projections are views of the row blocks.
     */
    static ClipEncoderLayer loadOpenClip(Weights w, TextEncoderConfig c) {
        int d = c.width();
        Weights attn = w.at("attn");
        Tensor inW = attn.matrix("in_proj_weight", 3 * d, d);
        Tensor inB = attn.matrix("in_proj_bias", 3 * d);
        Backend b = w.backend();
        return new ClipEncoderLayer(b,
                LayerNorm.load(w.at("ln_1"), d, c.eps()),
                Linear.of(b, inW.slice(0, d), inB.slice(0, d)),
                Linear.of(b, inW.slice(d, 2 * d), inB.slice(d, 2 * d)),
                Linear.of(b, inW.slice(2 * d, 3 * d), inB.slice(2 * d, 3 * d)),
                Linear.load(attn.at("out_proj"), d, d, true),
                LayerNorm.load(w.at("ln_2"), d, c.eps()),
                Linear.load(w.at("mlp.c_fc"), d, c.mlpWidth(), true),
                Linear.load(w.at("mlp.c_proj"), c.mlpWidth(), d, true),
                c.activation(), c.heads());
    }

    // x: [B, L, W] -> [B, L, W]
    Tensor forward(Tensor x) {
        Tensor h = ln1.forward(x);
        Tensor a = backend.attention(q.forward(h), k.forward(h), v.forward(h), heads, true);
        Tensor y = backend.addInPlace(outProj.forward(a), x);
        Tensor m = backend.activationInPlace(fc1.forward(ln2.forward(y)), act);
        return backend.addInPlace(fc2.forward(m), y);
    }
}
