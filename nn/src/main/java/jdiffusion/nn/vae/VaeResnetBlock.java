package jdiffusion.nn.vae;

import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Conv2d;
import jdiffusion.nn.layers.GroupNorm;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * LDM autoencoder {@code ResnetBlock} (no time embedding): h = conv1(silu(norm1(x)));
 * h = conv2(silu(norm2(h))); return shortcut(x) + h, with {@code nin_shortcut} (1×1) when the
 * channel count changes. GroupNorm 32 groups, eps 1e-6.
 */
final class VaeResnetBlock {
    static final int GROUPS = 32;
    static final float EPS = 1e-6f;

    private final Backend backend;
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d ninShortcut;

    VaeResnetBlock(Weights w, int in, int out) {
        backend = w.backend();
        norm1 = GroupNorm.load(w.at("norm1"), GROUPS, in, EPS);
        conv1 = Conv2d.load(w.at("conv1"), in, out, 3, 1, 1);
        norm2 = GroupNorm.load(w.at("norm2"), GROUPS, out, EPS);
        conv2 = Conv2d.load(w.at("conv2"), out, out, 3, 1, 1);
        ninShortcut = in == out ? null : Conv2d.load(w.at("nin_shortcut"), in, out, 1, 1, 0);
    }

    // x: [B, in, H, W] -> [B, out, H, W]
    Tensor forward(Tensor x) {
        Tensor h = conv1.forward(norm1.forwardSilu(x));
        h = conv2.forward(norm2.forwardSilu(h));
        return backend.addInPlace(h, ninShortcut == null ? x : ninShortcut.forward(x));
    }
}
