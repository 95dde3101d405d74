package jdiffusion.nn.unet;

import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Conv2d;
import jdiffusion.nn.layers.GroupNorm;
import jdiffusion.nn.layers.Linear;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * LDM {@code ResBlock} (no scale-shift norm, as in every SD UNet):
 * h = in_layers(x); h += emb_layers(emb)[:, :, None, None]; h = out_layers(h); return skip(x) + h.
 * in_layers = (0 GroupNorm, 1 SiLU, 2 conv3×3); emb_layers = (0 SiLU, 1 Linear);
 * out_layers = (0 GroupNorm, 1 SiLU, 2 Dropout, 3 conv3×3); skip_connection is a 1×1 conv when the
 * channel count changes, the identity otherwise.
 */
final class ResBlock implements UNetLayer {
    static final int GROUPS = 32;
    static final float EPS = 1e-5f;

    private final Backend backend;
    private final GroupNorm inNorm;
    private final Conv2d inConv;
    private final Linear embLinear;
    private final GroupNorm outNorm;
    private final Conv2d outConv;
    private final Conv2d skip;
    private final int out;

    ResBlock(Weights w, int in, int out, int embDim) {
        this.backend = w.backend();
        this.out = out;
        inNorm = GroupNorm.load(w.at("in_layers.0"), GROUPS, in, EPS);
        inConv = Conv2d.load(w.at("in_layers.2"), in, out, 3, 1, 1);
        embLinear = Linear.load(w.at("emb_layers.1"), embDim, out, true);
        outNorm = GroupNorm.load(w.at("out_layers.0"), GROUPS, out, EPS);
        outConv = Conv2d.load(w.at("out_layers.3"), out, out, 3, 1, 1);
        skip = in == out ? null : Conv2d.load(w.at("skip_connection"), in, out, 1, 1, 0);
    }

    // x: [B, in, H, W], embSilu: [B, E] -> [B, out, H, W]
    @Override
    public Tensor forward(Tensor x, Tensor embSilu, Tensor context) {
        Tensor h = inConv.forward(inNorm.forwardSilu(x));
        Tensor e = embLinear.forward(embSilu);                              // [B, out]
        backend.addInPlace(h, e.reshape(e.dim(0), out, 1, 1));
        h = outConv.forward(outNorm.forwardSilu(h));
        return backend.addInPlace(h, skip == null ? x : skip.forward(x));
    }
}
