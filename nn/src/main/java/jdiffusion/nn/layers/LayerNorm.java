package jdiffusion.nn.layers;

import jdiffusion.nn.Weights;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/** PyTorch {@code nn.LayerNorm} over the last dimension with affine {@code weight}/{@code bias}. */
public final class LayerNorm {
    private final Backend backend;
    private final Tensor gamma;
    private final Tensor beta;
    private final float eps;

    private LayerNorm(Backend backend, Tensor gamma, Tensor beta, float eps) {
        this.backend = backend;
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    public static LayerNorm load(Weights w, int dim, float eps) {
        return new LayerNorm(w.backend(), w.vector("weight", dim), w.vector("bias", dim), eps);
    }

    // x: [..., dim] -> [..., dim]
    public Tensor forward(Tensor x) {
        return backend.layerNorm(x, gamma, beta, eps);
    }
}
