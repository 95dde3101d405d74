package jdiffusion.nn.vae;

import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.GroupNorm;
import jdiffusion.nn.layers.Linear;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * LDM autoencoder {@code AttnBlock} ({@code mid.attn_1}): single-head self-attention over the pixels,
 * x + proj_out(softmax(q·kᵀ/√C)·v) with q, k, v computed from norm(x). The four projections are
 * stored as 1×1 convolutions [C, C, 1, 1] (or Linears [C, C] when converted from diffusers) and
 * applied as Linears on channels-last pixels.
 */
final class VaeAttnBlock {
    private final Backend backend;
    private final GroupNorm norm;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear projOut;

    VaeAttnBlock(Weights w, int channels) {
        backend = w.backend();
        norm = GroupNorm.load(w.at("norm"), VaeResnetBlock.GROUPS, channels, VaeResnetBlock.EPS);
        q = Linear.loadPointwise(w.at("q"), channels, channels);
        k = Linear.loadPointwise(w.at("k"), channels, channels);
        v = Linear.loadPointwise(w.at("v"), channels, channels);
        projOut = Linear.loadPointwise(w.at("proj_out"), channels, channels);
    }

    // x: [B, C, H, W] -> [B, C, H, W]
    Tensor forward(Tensor x) {
        int b = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        Tensor t = backend.permute(norm.forward(x), 0, 2, 3, 1).reshape(b, h * w, c);   // pixels [B, HW, C]
        Tensor a = backend.attention(q.forward(t), k.forward(t), v.forward(t), 1, false);
        Tensor y = backend.permute(projOut.forward(a).reshape(b, h, w, c), 0, 3, 1, 2);
        return backend.addInPlace(y, x);
    }
}
