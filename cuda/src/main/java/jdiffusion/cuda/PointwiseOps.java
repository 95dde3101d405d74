package jdiffusion.cuda;

import java.lang.ref.Reference;
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

    // x: [B, C, *spatial] -> same shape. Chunk statistics (many blocks), a per-group merge in chunk
    // order, then an element-wise apply: every step fills the GPU even at 32 groups.
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
        int bg = b * groups;
        int chunks = (int) Math.max(1, Math.min(Math.min(64, perGroup / 2048 + 1),
                (4L * gpu.ctx.multiprocessors() + bg - 1) / bg));
        long g = gpu.vectorF32(gamma);
        long bt = gpu.vectorF32(beta);
        try (Scratch part = gpu.scratch(24L * bg * chunks); Scratch stats = gpu.scratch(12L * bg)) {
            gpu.ctx.launch(Kernel.GN_PARTIAL_F32, bg, chunks, 1, 256, 1, 1, 0, gpu.ptr(x), part.pointer, perGroup, chunks);
            gpu.ctx.launch(Kernel.GN_FINALIZE, (bg + 127) / 128, 1, 1, 128, 1, 1, 0, part.pointer, stats.pointer, bg,
                    chunks, eps);
            int planes = b * c;
            int perPlane = (int) Math.max(1, Math.min(64, (spatial + 1023) / 1024));
            for (int p0 = 0; p0 < planes; p0 += 65535) {
                gpu.ctx.launch(Kernel.GN_APPLY_F32, perPlane, Math.min(65535, planes - p0), 1, 256, 1, 1, 0, gpu.ptr(x),
                        gpu.ptr(y), stats.pointer, g, bt, c, groups, spatial, p0, silu ? 1 : 0);
            }
        }
        Reference.reachabilityFence(x);
        return y;
    }

    // x: [..., n] -> same shape, normalised over the last dimension (one warp per row)
    Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        x = gpu.device(x);
        Tensor y = gpu.alloc(x.shape());
        int n = x.dim(-1);
        if (y.size() == 0) {
            return y;
        }
        long rows = y.size() / n;
        long g = gpu.vectorF32(gamma);
        long bt = gpu.vectorF32(beta);
        gpu.ctx.launch(Kernel.LAYER_NORM_F32, (int) ((rows + 7) / 8), 1, 1, 256, 1, 1, 0, gpu.ptr(x), gpu.ptr(y), g, bt,
                rows, n, eps);
        Reference.reachabilityFence(x);
        return y;
    }

    Tensor softmax(Tensor x) {
        x = gpu.device(x);
        Tensor y = gpu.alloc(x.shape());
        int n = x.dim(-1);
        if (y.size() == 0) {
            return y;
        }
        long rows = y.size() / n;
        gpu.ctx.launch(Kernel.SOFTMAX_F32, (int) ((rows + 7) / 8), 1, 1, 256, 1, 1, 0, gpu.ptr(x), gpu.ptr(y), rows, n);
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
        if (rows > 0) {
            gpu.ctx.launch(Kernel.GEGLU_F32, (int) Math.min(rows, 65535L * 16), 1, 1, 256, 1, 1, 0, gpu.ptr(x), gpu.ptr(y), rows, n);
        }
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
