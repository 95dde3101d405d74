package jdiffusion.nn.unet;

import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Conv2d;
import jdiffusion.tensor.Tensor;

/** {@code input_blocks.0.0}: the 3×3 convolution from the latent (4 or 9 channels) to model_channels. */
final class InputConv implements UNetLayer {
    private final Conv2d conv;

    InputConv(Weights w, int in, int out) {
        conv = Conv2d.load(w, in, out, 3, 1, 1);
    }

    @Override
    public Tensor forward(Tensor x, Tensor embSilu, Tensor context) {
        return conv.forward(x);
    }
}
