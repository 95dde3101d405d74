package jdiffusion.cuda;

import java.lang.ref.Reference;
import jdiffusion.tensor.Tensor;

/**
 * Tensor-core operations of the backend: activations are converted to the compute type (rows
 * padded to a multiple of 8 elements, NCHW to NHWC for convolutions, heads packed for
 * attention) in scratch, weights come from the cache in kernel layout, outputs are float32.
 */
final class GemmOps {
    private final Gpu gpu;
    /** Query rows per attention block, 0 for the default variant (the self-test forces 64 too). */
    int flashRows;

    GemmOps(Gpu gpu) {
        this.gpu = gpu;
    }

    /** Forces one tile for every product (the self-test covers each), null for the heuristic. */
    Gemm.Tile forcedTile;

    private Gemm.Tile tile(long m, long n, long k, long batch) {
        return forcedTile != null ? forcedTile : Gemm.pick(m, n, k, batch, gpu.ctx.multiprocessors());
    }

    // x: [..., K] · weight[N, K]ᵀ + bias -> [..., N]
    Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        x = gpu.device(x);
        int k = x.dim(-1);
        int n = weight.dim(0);
        int m = k == 0 ? x.size() : x.size() / k;
        int[] shape = x.shape();
        shape[shape.length - 1] = n;
        Tensor y = gpu.alloc(shape);
        if (y.size() == 0) {
            return y;
        }
        ElemType t = gpu.computeFor(weight);
        int kp = Gpu.pad8(k);
        Scratch[] keep = new Scratch[1];
        long w = gpu.rowsOperand(weight, t, keep);
        long b = gpu.vectorF32(bias);
        try (Scratch a = gpu.activationRows(x, m, k, t)) {
            Gemm.gemm(gpu.ctx, t, tile(m, n, kp, 1), a.pointer, w, gpu.ptr(y), b, m, n, kp, kp, kp, n, 0, 0, 0, 1);
        } finally {
            if (keep[0] != null) {
                keep[0].close();
            }
            // Device pointers were taken from these; keep their blocks out of the pool until queued.
            Reference.reachabilityFence(x);
            Reference.reachabilityFence(weight);
            Reference.reachabilityFence(bias);
        }
        return y;
    }

    // a: [..., M, K]; b: [K, N] / [N, K] shared, or [..., K, N] / [..., N, K] per batch -> [..., M, N]
    Tensor matmul(Tensor a, Tensor b, boolean transB) {
        a = gpu.device(a);
        int m = a.dim(-2);
        int k = a.dim(-1);
        int n = transB ? b.dim(-2) : b.dim(-1);
        int batch = m * k == 0 ? (int) Shapes.product(a.shape(), 0, a.rank() - 2) : a.size() / (m * k);
        int[] shape = a.shape();
        shape[shape.length - 1] = n;
        Tensor c = gpu.alloc(shape);
        if (c.size() == 0) {
            return c;
        }
        boolean shared = b.rank() == 2;
        ElemType t = shared ? gpu.computeFor(b) : gpu.compute;
        int kp = Gpu.pad8(k);
        Scratch[] keep = new Scratch[1];
        try (Scratch as = gpu.activationRows(a, (long) batch * m, k, t)) {
            long bp;
            long sB;
            if (shared) {
                bp = transB ? gpu.rowsOperand(b, t, keep) : gpu.transposedOperand(b, t, keep);
                sB = 0;
            } else {
                Tensor bd = gpu.device(b);
                keep[0] = gpu.scratch((long) batch * n * kp * t.bytes);
                if (transB) {
                    gpu.activationRowsInto(bd, (long) batch * n, k, t, keep[0].pointer);
                } else {
                    gpu.transposeInto(gpu.ptr(bd), ElemType.F32, keep[0].pointer, t, batch, k, n, kp);
                }
                bp = keep[0].pointer;
                sB = (long) n * kp;
            }
            if (shared) {
                // One B for every batch entry: the batch is just more rows of A.
                long rows = (long) batch * m;
                if (rows > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("matmul: " + rows + " rows exceed 2^31");
                }
                Gemm.gemm(gpu.ctx, t, tile(rows, n, kp, 1), as.pointer, bp, gpu.ptr(c), 0L, (int) rows, n, kp, kp, kp, n,
                        0, 0, 0, 1);
            } else {
                Gemm.gemm(gpu.ctx, t, tile(m, n, kp, batch), as.pointer, bp, gpu.ptr(c), 0L, m, n, kp, kp, kp, n,
                        (long) m * kp, sB, (long) m * n, batch);
            }
        } finally {
            if (keep[0] != null) {
                keep[0].close();
            }
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(b);
        }
        return c;
    }

    // x: [B, C, H, W] * weight [O, C, kh, kw] -> [B, O, Ho, Wo]
    Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int pad, int ho, int wo) {
        x = gpu.device(x);
        int b = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int o = weight.dim(0);
        Tensor y = gpu.alloc(b, o, ho, wo);
        if (y.size() == 0) {
            return y;
        }
        ElemType t = gpu.computeFor(weight);
        int cp = Gpu.pad8(c);
        Scratch[] keep = new Scratch[1];
        long wt = gpu.convWeight(weight, t, keep);
        long bs = gpu.vectorF32(bias);
        try (Scratch nhwc = gpu.scratch((long) b * h * w * cp * t.bytes)) {
            // NCHW f32 [B][C][H·W] -> NHWC [B][H·W][Cp]
            gpu.transposeInto(gpu.ptr(x), ElemType.F32, nhwc.pointer, t, b, c, h * w, cp);
            long m = (long) b * ho * wo;
            long k = (long) weight.dim(2) * weight.dim(3) * cp;
            Gemm.conv(gpu.ctx, t, tile(m, o, k, 1), nhwc.pointer, wt, gpu.ptr(y), bs, b, h, w, cp, o, ho, wo,
                    weight.dim(2), weight.dim(3), stride, pad);
        } finally {
            if (keep[0] != null) {
                keep[0].close();
            }
            Reference.reachabilityFence(x);
            Reference.reachabilityFence(weight);
            Reference.reachabilityFence(bias);
        }
        return y;
    }

    // q: [B, Lq, H·D], k: [B, Lk, H·D], v: [B, Lk, H·Dv] -> [B, Lq, H·Dv]
    Tensor attention(Tensor q, Tensor k, Tensor v, int heads, boolean causal) {
        q = gpu.device(q);
        k = gpu.device(k);
        v = gpu.device(v);
        int b = q.dim(0);
        int lq = q.dim(1);
        int lk = k.dim(1);
        int d = q.dim(2) / heads;
        int dv = v.dim(2) / heads;
        Tensor out = gpu.alloc(b, lq, heads * dv);
        if (out.size() == 0) {
            return out;
        }
        int dp = Flash.paddedHeadDim(d);
        if (dp > 0 && dv == d && (long) b * heads <= 65535 && lk > 0) {
            ElemType t = gpu.compute;
            try (Scratch qs = pack(q, b, lq, heads, d, dp, t);
                 Scratch ks = pack(k, b, lk, heads, d, dp, t);
                 Scratch vs = pack(v, b, lk, heads, d, dp, t)) {
                int rows = flashRows > 0 ? flashRows : Flash.defaultRows(dp);
                Flash.attention(gpu.ctx, t, dp, rows, qs.pointer, ks.pointer, vs.pointer, gpu.ptr(out), b, heads, lq, lk,
                        d, causal);
            }
            Reference.reachabilityFence(q);
            Reference.reachabilityFence(k);
            Reference.reachabilityFence(v);
            return out;
        }
        if (d > 256 || dv > 256) {
            throw new IllegalArgumentException("attention: head sizes " + d + "/" + dv + " exceed the GPU kernels' 256");
        }
        long warps = (long) b * heads * lq;
        long blocks = (warps * 32 + 255) / 256;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("attention: " + warps + " query rows are too many for one launch");
        }
        gpu.ctx.launch(Kernel.ATTN_GENERIC_F32, (int) blocks, 1, 1, 256, 1, 1, 0, gpu.ptr(q), gpu.ptr(k), gpu.ptr(v),
                gpu.ptr(out), b, lq, lk, heads, d, dv, (float) (1.0 / Math.sqrt(d)), causal ? 1 : 0);
        return out;
    }

    // [B, L, H·D] f32 -> [B·H][L][DP] in type t
    private Scratch pack(Tensor x, int b, int l, int heads, int d, int dp, ElemType t) {
        long n = (long) b * heads * l * dp;
        Scratch s = gpu.scratch(n * t.bytes);
        gpu.launch1d(Kernel.ATTN_PACK, n, gpu.ptr(x), s.pointer, t.code, b, l, heads, d, dp);
        return s;
    }
}
