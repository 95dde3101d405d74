package jdiffusion.nn.unet;

import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Conv2d;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/** LDM {@code Upsample}: nearest-neighbour 2× then {@code conv} (3×3, padding 1). */
final class Upsample implements UNetLayer {
    private final Backend backend;
    private final Conv2d conv;

    Upsample(Weights w, int channels) {
        backend = w.backend();
        conv = Conv2d.load(w.at("conv"), channels, channels, 3, 1, 1);
    }

    // x: [B, C, H, W] -> [B, C, 2H, 2W]
    @Override
    public Tensor forward(Tensor x, Tensor embSilu, Tensor context) {
        return conv.forward(backend.upsampleNearest2x(x));
    }
}
