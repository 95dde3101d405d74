package jdiffusion.nn.unet;

import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Conv2d;
import jdiffusion.tensor.Tensor;

/** LDM {@code Downsample}: {@code op}, a 3×3 convolution with stride 2 and padding 1. */
final class Downsample implements UNetLayer {
    private final Conv2d op;

    Downsample(Weights w, int channels) {
        op = Conv2d.load(w.at("op"), channels, channels, 3, 2, 1);
    }

    // x: [B, C, H, W] -> [B, C, H/2, W/2]
    @Override
    public Tensor forward(Tensor x, Tensor embSilu, Tensor context) {
        return op.forward(x);
    }
}
