package jdiffusion.cuda;

import java.lang.ref.Reference;
import java.util.Arrays;
import jdiffusion.tensor.SegmentStorage;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;

/** Broadcast arithmetic, copies between layouts and embeddings on device tensors. */
final class LayoutOps {
    private final Gpu gpu;
    private final CpuBackend cpu;

    LayoutOps(Gpu gpu, CpuBackend cpu) {
        this.gpu = gpu;
        this.cpu = cpu;
    }

    /** a op b (0 add, 1 mul) with broadcasting; in place into a when {@code inPlace}. */
    Tensor binary(int op, Tensor a, Tensor b, boolean inPlace) {
        int[] out = Shapes.broadcast(a.shape(), b.shape());
        if (inPlace) {
            if (!Arrays.equals(out, a.shape())) {
                throw new IllegalArgumentException("addInPlace: " + b + " does not broadcast to " + a);
            }
            if (!Gpu.onDevice(a)) {
                return cpu.addInPlace(a, gpu.host(b));
            }
        }
        Tensor da = gpu.device(a);
        Tensor db = gpu.device(b);
        Tensor y = inPlace ? a : gpu.alloc(out);
        long n = y.size();
        if (n == 0) {
            return y;
        }
        if (Arrays.equals(da.shape(), db.shape())) {
            gpu.launch1d(Kernel.BINARY_SAME_F32, n, gpu.ptr(da), gpu.ptr(db), gpu.ptr(y), n, op);
            return y;
        }
        long[][] g = Shapes.collapse4(da.shape(), db.shape(), out);
        if (g == null) {
            // More than four interleaved broadcast dimensions after merging: rare, done on the host.
            Tensor r = op == 0 ? cpu.add(gpu.host(da), gpu.host(db)) : cpu.mul(gpu.host(da), gpu.host(db));
            if (inPlace) {
                gpu.ctx.uploadFloats(gpu.ptr(y), r.array(), r.offset(), r.size());
                return y;
            }
            return gpu.device(r);
        }
        gpu.launch1d(Kernel.BINARY_F32, n, gpu.ptr(da), gpu.ptr(db), gpu.ptr(y), n, op,
                (int) g[0][1], (int) g[0][2], (int) g[0][3],
                (int) g[1][0], (int) g[1][1], (int) g[1][2], (int) g[1][3],
                (int) g[2][0], (int) g[2][1], (int) g[2][2], (int) g[2][3]);
        return y;
    }

    // x: [B, C, H, W] -> [B, C, 2H, 2W]
    Tensor upsample2x(Tensor x) {
        x = gpu.device(x);
        int h = x.dim(2);
        int w = x.dim(3);
        Tensor y = gpu.alloc(x.dim(0), x.dim(1), 2 * h, 2 * w);
        gpu.launch1d(Kernel.UPSAMPLE2X_F32, y.size(), gpu.ptr(x), gpu.ptr(y), (long) x.dim(0) * x.dim(1), h, w);
        return y;
    }

    // x: [B, C, H, W] -> [B, C, top + H + bottom, left + W + right]
    Tensor pad2d(Tensor x, int top, int bottom, int left, int right) {
        x = gpu.device(x);
        int h = x.dim(2);
        int w = x.dim(3);
        int ho = top + h + bottom;
        int wo = left + w + right;
        Tensor y = gpu.alloc(x.dim(0), x.dim(1), ho, wo);
        gpu.launch1d(Kernel.PAD2D_F32, y.size(), gpu.ptr(x), gpu.ptr(y), (long) x.dim(0) * x.dim(1), h, w, top, left, ho, wo);
        return y;
    }

    Tensor concat(int dim, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors");
        }
        int r = parts[0].rank();
        int d = dim < 0 ? r + dim : dim;
        if (d < 0 || d >= r) {
            throw new IllegalArgumentException("concat: dimension " + dim + " of rank-" + r + " tensors");
        }
        int[] out = parts[0].shape();
        int total = 0;
        for (Tensor p : parts) {
            int[] s = p.shape();
            if (s.length != r) {
                throw new IllegalArgumentException("concat: " + p + " has a different rank than " + parts[0]);
            }
            for (int i = 0; i < r; i++) {
                if (i != d && s[i] != out[i]) {
                    throw new IllegalArgumentException("concat along " + d + ": " + p + " does not match " + parts[0]);
                }
            }
            total += s[d];
        }
        out[d] = total;
        Tensor y = gpu.alloc(out);
        long outer = Shapes.product(out, 0, d);
        long inner = Shapes.product(out, d + 1, r);
        long at = 0;
        for (Tensor p : parts) {
            Tensor dp = gpu.device(p);
            long cols = (long) p.dim(d) * inner;
            if (cols > 0 && outer > 0) {
                gpu.launch1d(Kernel.COPY2D_F32, outer * cols, gpu.ptr(dp), cols, gpu.ptr(y) + 4 * at, (long) total * inner,
                        outer, cols);
            }
            at += cols;
        }
        return y;
    }

    // elements [start, start + length) along d
    Tensor narrow(Tensor x, int d, int start, int length) {
        x = gpu.device(x);
        int[] out = x.shape();
        out[d] = length;
        Tensor y = gpu.alloc(out);
        long outer = Shapes.product(out, 0, d);
        long inner = Shapes.product(out, d + 1, out.length);
        long cols = (long) length * inner;
        if (cols > 0 && outer > 0) {
            gpu.launch1d(Kernel.COPY2D_F32, outer * cols, gpu.ptr(x) + 4 * start * inner, (long) x.dim(d) * inner,
                    gpu.ptr(y), cols, outer, cols);
        }
        return y;
    }

    Tensor permute(Tensor x, int... dims) {
        long[][] g = Shapes.permute6(x.shape(), dims);
        if (g == null) {
            return gpu.device(cpu.permute(gpu.host(x), dims));
        }
        x = gpu.device(x);
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = x.dim(dims[i]);
        }
        Tensor y = gpu.alloc(out);
        gpu.launch1d(Kernel.PERMUTE_F32, y.size(), gpu.ptr(x), gpu.ptr(y), (long) y.size(),
                (int) g[0][1], (int) g[0][2], (int) g[0][3], (int) g[0][4], (int) g[0][5],
                g[1][0], g[1][1], g[1][2], g[1][3], g[1][4], g[1][5]);
        return y;
    }

    // table [V, D], ids [...] -> [..., D]
    Tensor embedding(Tensor table, Tensor ids) {
        int vocab = table.dim(0);
        int d = table.dim(1);
        Tensor hostIds = Gpu.onDevice(ids) ? gpu.host(ids) : ids;
        int n = ids.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            long id = hostIds.storage() instanceof SegmentStorage s ? s.getLong(hostIds.storageOffset() + i)
                    : (long) hostIds.getFlat(i);
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("embedding: id " + id + " at position " + i
                        + " is outside the table of " + vocab + " rows");
            }
            idx[i] = (int) id;
        }
        int[] shape = Arrays.copyOf(ids.shape(), ids.rank() + 1);
        shape[ids.rank()] = d;
        Tensor y = gpu.alloc(shape);
        long[] tab = gpu.rawTable(table);
        try (Scratch is = gpu.uploadInts(idx)) {
            gpu.launch1d(Kernel.EMBEDDING_F32, (long) n * d, tab[0], (int) tab[1], is.pointer, gpu.ptr(y), (long) n, d);
        }
        Reference.reachabilityFence(table);
        return y;
    }

    /** Tiny ([N, dim]) and needs the CPU's exact float order: computed there, then uploaded. */
    Tensor timestepEmbedding(Tensor t, int dim, boolean cosFirst, float shift, float maxPeriod) {
        return gpu.device(cpu.timestepEmbedding(gpu.host(t), dim, cosFirst, shift, maxPeriod));
    }
}
