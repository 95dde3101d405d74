package jdiffusion.cuda;

import jdiffusion.tensor.Activation;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;

/** Float32 normalisations and element-wise ops on device tensors. */
final class PointwiseOps {
    private final Gpu gpu;
    private final CpuBackend cpu;

    PointwiseOps(Gpu gpu, CpuBackend cpu) {
        this.gpu = gpu;
        this.cpu = cpu;
    }

    private static int threadsFor(long n) {
        // A multiple of 32 (the block reductions assume whole warps), at most 512.
        return (int) Math.max(32, Math.min(512, (n + 31) / 32 * 32));
    }

    // x: [B, C, *spatial] -> same shape
    Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps, boolean silu) {
        x = gpu.device(x);
        Tensor y = gpu.alloc(x.shape());
        int b = x.dim(0);
        int c = x.dim(1);
        if (y.size() == 0) {
            return y;
        }
        long spatial = x.size() / ((long) b * c);
        long perGroup = (long) (c / groups) * spatial;
        gpu.ctx.launch(Kernel.GROUP_NORM_F32, b * groups, 1, 1, threadsFor(perGroup), 1, 1, 0, gpu.ptr(x), gpu.ptr(y),
                gpu.vectorF32(gamma), gpu.vectorF32(beta), c, groups, spatial, eps, silu ? 1 : 0);
        return y;
    }

    // x: [..., n] -> same shape, normalised over the last dimension
    Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        x = gpu.device(x);
        Tensor y = gpu.alloc(x.shape());
        int n = x.dim(-1);
        if (y.size() == 0) {
            return y;
        }
        gpu.ctx.launch(Kernel.LAYER_NORM_F32, y.size() / n, 1, 1, Math.min(256, threadsFor(n)), 1, 1, 0, gpu.ptr(x),
                gpu.ptr(y), gpu.vectorF32(gamma), gpu.vectorF32(beta), n, eps);
        return y;
    }

    Tensor softmax(Tensor x) {
        x = gpu.device(x);
        Tensor y = gpu.alloc(x.shape());
        int n = x.dim(-1);
        if (y.size() == 0) {
            return y;
        }
        gpu.ctx.launch(Kernel.SOFTMAX_F32, y.size() / n, 1, 1, Math.min(256, threadsFor(n)), 1, 1, 0, gpu.ptr(x), gpu.ptr(y), n);
        return y;
    }

    Tensor activation(Tensor x, Activation act) {
        x = gpu.device(x);
        Tensor y = gpu.alloc(x.shape());
        gpu.launch1d(Kernel.ACT_F32, y.size(), gpu.ptr(x), gpu.ptr(y), (long) y.size(), act.ordinal());
        return y;
    }

    /** In place on the device; a host tensor is updated where it lives (by the CPU kernels). */
    Tensor activationInPlace(Tensor x, Activation act) {
        if (!Gpu.onDevice(x)) {
            return cpu.activationInPlace(x, act);
        }
        gpu.launch1d(Kernel.ACT_F32, x.size(), gpu.ptr(x), gpu.ptr(x), (long) x.size(), act.ordinal());
        return x;
    }

    // x: [..., 2n] -> [..., n]
    Tensor geglu(Tensor x) {
        x = gpu.device(x);
        int n = x.dim(-1) / 2;
        int[] shape = x.shape();
        shape[shape.length - 1] = n;
        Tensor y = gpu.alloc(shape);
        long rows = n == 0 ? 0 : y.size() / n;
        gpu.launch1d(Kernel.GEGLU_F32, y.size(), gpu.ptr(x), gpu.ptr(y), rows, n);
        return y;
    }

    Tensor scale(Tensor x, float s) {
        x = gpu.device(x);
        Tensor y = gpu.alloc(x.shape());
        gpu.launch1d(Kernel.SCALE_F32, y.size(), gpu.ptr(x), gpu.ptr(y), (long) y.size(), s);
        return y;
    }

    Tensor clamp(Tensor x, float lo, float hi) {
        x = gpu.device(x);
        Tensor y = gpu.alloc(x.shape());
        gpu.launch1d(Kernel.CLAMP_F32, y.size(), gpu.ptr(x), gpu.ptr(y), (long) y.size(), lo, hi);
        return y;
    }
}
