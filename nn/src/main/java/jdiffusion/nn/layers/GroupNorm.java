package jdiffusion.nn.layers;

import jdiffusion.nn.Weights;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/** PyTorch {@code nn.GroupNorm} with affine {@code weight}/{@code bias} [C]; SiLU optionally fused. */
public final class GroupNorm {
    private final Backend backend;
    private final int groups;
    private final Tensor gamma;
    private final Tensor beta;
    private final float eps;

    private GroupNorm(Backend backend, int groups, Tensor gamma, Tensor beta, float eps) {
        this.backend = backend;
        this.groups = groups;
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    public static GroupNorm load(Weights w, int groups, int channels, float eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(w.key("weight") + ": " + channels + " channels cannot form " + groups
                    + " groups");
        }
        return new GroupNorm(w.backend(), groups, w.vector("weight", channels), w.vector("bias", channels), eps);
    }

    // x: [B, C, *] -> [B, C, *]
    public Tensor forward(Tensor x) {
        return backend.groupNorm(x, groups, gamma, beta, eps, false);
    }

    /** silu(groupNorm(x)): the norm + activation pair that opens every ResBlock branch. */
    public Tensor forwardSilu(Tensor x) {
        return backend.groupNorm(x, groups, gamma, beta, eps, true);
    }
}
