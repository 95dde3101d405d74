package jdiffusion.nn.layers;

import jdiffusion.nn.Weights;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/** PyTorch {@code nn.Conv2d} with a square kernel, square stride and symmetric zero padding. */
public final class Conv2d {
    private final Backend backend;
    private final Tensor weight;
    private final Tensor bias;
    private final int stride;
    private final int padding;

    private Conv2d(Backend backend, Tensor weight, Tensor bias, int stride, int padding) {
        this.backend = backend;
        this.weight = weight;
        this.bias = bias;
        this.stride = stride;
        this.padding = padding;
    }

    /** Reads {@code weight} [out, in, k, k] and {@code bias} [out]. */
    public static Conv2d load(Weights w, int in, int out, int kernel, int stride, int padding) {
        return new Conv2d(w.backend(), w.matrix("weight", out, in, kernel, kernel), w.vector("bias", out), stride, padding);
    }

    // x: [B, in, H, W] -> [B, out, (H + 2p − k)/s + 1, (W + 2p − k)/s + 1]
    public Tensor forward(Tensor x) {
        return backend.conv2d(x, weight, bias, stride, padding);
    }
}
