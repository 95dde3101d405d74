package jdiffusion.cuda;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * Non-causal attention written with a backend's matrix products and softmax, for head sizes the
 * fused kernels do not cover (above 256: the VAE's single-head attention over 512 channels). The
 * score matrix is materialised, a block of query rows at a time so that it stays under a size
 * bound (the VAE at 1024² has 16384² scores, 1 GiB in float32).
 *
 * <p>The probabilities are scaled by a power of two near Lk before the second product: a softmax
 * over thousands of keys gives values around 1/Lk, which sit at or below float16's smallest normal
 * number (6.1e-5), where the tensor-core operands would keep only a few bits. Scaling by 2^s is
 * exact in floating point and undone (exactly) on the output.
 */
final class AttentionByParts {
    private AttentionByParts() {
    }

    // q: [B, Lq, H·D], k: [B, Lk, H·D], v: [B, Lk, H·Dv] -> [B, Lq, H·Dv]
    static Tensor attention(Backend be, Tensor q, Tensor k, Tensor v, int heads, long maxScores) {
        int b = q.dim(0);
        int lq = q.dim(1);
        int lk = k.dim(1);
        int d = q.dim(2) / heads;
        int dv = v.dim(2) / heads;
        int bh = b * heads;
        Tensor qh = splitHeads(be, be.scale(q, (float) (1.0 / Math.sqrt(d))), b, lq, heads, d);   // [B·H, Lq, D]
        Tensor kh = splitHeads(be, k, b, lk, heads, d);                                          // [B·H, Lk, D]
        Tensor vh = splitHeads(be, v, b, lk, heads, dv);                                         // [B·H, Lk, Dv]
        int shift = Math.min(15, 31 - Integer.numberOfLeadingZeros(Math.max(1, lk)));           // 2^shift <= Lk
        float up = (float) Math.scalb(1.0, shift);
        int rows = (int) Math.max(1, Math.min(lq, maxScores / Math.max(1L, (long) bh * lk)));
        List<Tensor> parts = new ArrayList<>();
        for (int from = 0; from < lq; from += rows) {
            int n = Math.min(rows, lq - from);
            Tensor qc = n == lq ? qh : be.narrow(qh, 1, from, n);
            Tensor p = be.softmax(be.matmul(qc, kh, true));          // [B·H, n, Lk]
            parts.add(be.matmul(be.scale(p, up), vh, false));        // [B·H, n, Dv], 2^shift too large
        }
        Tensor o = parts.size() == 1 ? parts.get(0) : be.concat(1, parts.toArray(Tensor[]::new));
        o = be.scale(o, 1f / up);
        if (heads == 1) {
            return o.reshape(b, lq, dv);
        }
        return be.permute(o.reshape(b, heads, lq, dv), 0, 2, 1, 3).reshape(b, lq, heads * dv);
    }

    // x: [B, L, H·D] -> [B·H, L, D]
    private static Tensor splitHeads(Backend be, Tensor x, int b, int l, int heads, int d) {
        if (heads == 1) {
            return x;
        }
        return be.permute(x.reshape(b, l, heads, d), 0, 2, 1, 3).reshape(b * heads, l, d);
    }
}
