package jdiffusion.nn.layers;

import jdiffusion.nn.Weights;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/** PyTorch {@code nn.Linear}: {@code weight} [out, in], optional {@code bias} [out]. */
public final class Linear {
    private final Backend backend;
    private final Tensor weight;
    private final Tensor bias;
    private final int in;
    private final int out;

    private Linear(Backend backend, Tensor weight, Tensor bias, int in, int out) {
        this.backend = backend;
        this.weight = weight;
        this.bias = bias;
        this.in = in;
        this.out = out;
    }

    /** Reads {@code weight} [out, in] and, when {@code hasBias}, {@code bias} [out]. */
    public static Linear load(Weights w, int in, int out, boolean hasBias) {
        return new Linear(w.backend(), w.matrix("weight", out, in), hasBias ? w.vector("bias", out) : null, in, out);
    }

    /**
     * A per-pixel projection stored either as a 1×1 convolution [out, in, 1, 1] (SD1 proj_in, the
     * VAE attention) or as a Linear [out, in] (SD2/SDXL): applied to channels-last data it is the
     * same map, so both become a Linear over a view of the weight.
     */
    public static Linear loadPointwise(Weights w, int in, int out) {
        Tensor weight = w.matrixEither("weight", new int[] {out, in}, new int[] {out, in, 1, 1});
        return new Linear(w.backend(), weight, w.vector("bias", out), in, out);
    }

    /** A Linear over given tensors (weight [out, in], e.g. a row block of a fused projection). */
    public static Linear of(Backend backend, Tensor weight, Tensor bias) {
        return new Linear(backend, weight, bias == null ? null : backend.load(bias), weight.dim(1), weight.dim(0));
    }

    // x: [..., in] -> [..., out]
    public Tensor forward(Tensor x) {
        return backend.linear(x, weight, bias);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }
}
