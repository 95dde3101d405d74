package jdiffusion.nn.unet;

import java.util.List;
import jdiffusion.tensor.Tensor;

/**
 * One entry of {@code input_blocks}, {@code middle_block} or {@code output_blocks}: its layers
 * ({@code input_blocks.N.0}, {@code .1}, ...) applied in order, each given what it needs.
 */
final class TimestepEmbedSequential {
    private final List<UNetLayer> layers;

    TimestepEmbedSequential(List<UNetLayer> layers) {
        this.layers = List.copyOf(layers);
    }

    Tensor forward(Tensor x, Tensor embSilu, Tensor context) {
        for (UNetLayer layer : layers) {
            x = layer.forward(x, embSilu, context);
        }
        return x;
    }
}
