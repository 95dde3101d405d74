package jdiffusion.tensor.cpu;

import java.util.Arrays;
import jdiffusion.tensor.Activation;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.SegmentStorage;
import jdiffusion.tensor.Tensor;

/**
 * The CPU backend: argument checking and shape bookkeeping here, arithmetic in the kernel classes
 * of this package (pure functions over arrays and explicit shapes).
 */
public final class CpuBackend implements Backend {
    private final Parallel par;

    /** A backend on the shared thread pool. */
    public CpuBackend() {
        this(Parallel.shared());
    }

    /** A backend on a given pool (tests use 1 thread vs many to check determinism). */
    public CpuBackend(Parallel par) {
        this.par = par;
    }

    public Parallel parallel() {
        return par;
    }

    @Override
    public String name() {
        return "cpu(" + par.threads() + " threads)";
    }

    @Override
    public Tensor load(Tensor t) {
        return t.asF32();
    }

    @Override
    public Tensor toHost(Tensor t) {
        return t.asF32();
    }

    private static float[] small(Tensor t) {
        return t == null ? null : t.toFloatArray();
    }

    private static void requireRankAtLeast(String op, Tensor t, int rank) {
        if (t.rank() < rank) {
            throw new IllegalArgumentException(op + ": expected a tensor of rank >= " + rank + ", got " + t);
        }
    }

    // ---- matrix products ------------------------------------------------------------------------

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        requireRankAtLeast("linear", x, 1);
        if (weight.rank() != 2 || weight.dim(1) != x.dim(-1)) {
            throw new IllegalArgumentException("linear: input " + x + " does not match weight " + weight
                    + " ([out, in] expected)");
        }
        int in = x.dim(-1);
        int out = weight.dim(0);
        if (bias != null && bias.size() != out) {
            throw new IllegalArgumentException("linear: bias " + bias + " for " + out + " outputs");
        }
        x = x.asF32();
        int m = x.size() / Math.max(1, in);
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        Tensor y = Tensor.zeros(shape);
        Gemm.gemm(par, m, out, in, x.array(), x.offset(), in, false, weight.storage(), weight.storageOffset(), true,
                y.array(), 0, out, false);
        if (bias != null) {
            addInPlace(y, bias.asF32());
        }
        return y;
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transB) {
        requireRankAtLeast("matmul", a, 2);
        requireRankAtLeast("matmul", b, 2);
        a = a.asF32();
        int m = a.dim(-2);
        int k = a.dim(-1);
        int n = transB ? b.dim(-2) : b.dim(-1);
        int kb = transB ? b.dim(-1) : b.dim(-2);
        if (kb != k) {
            throw new IllegalArgumentException("matmul: " + a + " times " + b + (transB ? "ᵀ" : "") + ": inner dimensions differ");
        }
        int batch = a.size() / Math.max(1, m * k);
        boolean shared = b.rank() == 2;
        if (!shared) {
            int[] ab = Arrays.copyOf(a.shape(), a.rank() - 2);
            int[] bb = Arrays.copyOf(b.shape(), b.rank() - 2);
            if (!Arrays.equals(ab, bb)) {
                throw new IllegalArgumentException("matmul: batch dimensions of " + a + " and " + b + " differ");
            }
        }
        int[] shape = a.shape();
        shape[shape.length - 1] = n;
        Tensor c = Tensor.zeros(shape);
        for (int i = 0; i < batch; i++) {
            long bOff = b.storageOffset() + (shared ? 0 : (long) i * k * n);
            Gemm.gemm(par, m, n, k, a.array(), a.offset() + i * m * k, k, false, b.storage(), bOff, transB,
                    c.array(), i * m * n, n, false);
        }
        return c;
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        if (x.rank() != 4 || weight.rank() != 4 || weight.dim(1) != x.dim(1)) {
            throw new IllegalArgumentException("conv2d: input " + x + " does not match weight " + weight
                    + " ([O, C, kh, kw] expected)");
        }
        if (stride < 1 || padding < 0) {
            throw new IllegalArgumentException("conv2d: stride " + stride + ", padding " + padding);
        }
        x = x.asF32();
        int b = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int o = weight.dim(0);
        int kh = weight.dim(2);
        int kw = weight.dim(3);
        int ho = (h + 2 * padding - kh) / stride + 1;
        int wo = (w + 2 * padding - kw) / stride + 1;
        if (ho <= 0 || wo <= 0) {
            throw new IllegalArgumentException("conv2d: input " + x + " too small for kernel " + kh + "x" + kw);
        }
        Tensor in = x.offset() == 0 ? x : x.copy();
        Tensor y = Tensor.zeros(b, o, ho, wo);
        Conv2d.conv2d(par, in.array(), b, c, h, w, weight.storage(), weight.storageOffset(), o, kh, kw, small(bias),
                stride, padding, y.array());
        return y;
    }

    // ---- normalisation -----------------------------------------------------------------------------

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps, boolean silu) {
        requireRankAtLeast("groupNorm", x, 2);
        int b = x.dim(0);
        int c = x.dim(1);
        if (groups <= 0 || c % groups != 0) {
            throw new IllegalArgumentException("groupNorm: " + c + " channels cannot form " + groups + " groups");
        }
        x = x.asF32();
        int spatial = x.size() / (b * c);
        int cpg = c / groups;
        float[] g = small(gamma);
        float[] bt = small(beta);
        Tensor y = Tensor.zeros(x.shape());
        float[] src = x.array();
        int so = x.offset();
        float[] dst = y.array();
        par.forRange(b * groups, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int gi = i % groups;
                int off = i * cpg * spatial;
                if (so == 0) {
                    Norms.groupNormGroup(src, off, cpg, spatial, g, bt, gi * cpg, eps, silu, dst);
                } else {
                    System.arraycopy(src, so + off, dst, off, cpg * spatial);
                    Norms.groupNormGroup(dst, off, cpg, spatial, g, bt, gi * cpg, eps, silu, dst);
                }
            }
        });
        return y;
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        requireRankAtLeast("layerNorm", x, 1);
        Tensor y = x.copy();
        int n = x.dim(-1);
        float[] g = small(gamma);
        float[] bt = small(beta);
        float[] d = y.array();
        par.forRange(y.size() / Math.max(1, n), Math.max(1, 4096 / Math.max(1, n)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                Norms.layerNormRow(d, r * n, n, g, bt, eps, d);
            }
        });
        return y;
    }

    @Override
    public Tensor softmax(Tensor x) {
        requireRankAtLeast("softmax", x, 1);
        Tensor y = x.copy();
        int n = x.dim(-1);
        float[] d = y.array();
        par.forRange(y.size() / Math.max(1, n), Math.max(1, 4096 / Math.max(1, n)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                Norms.softmaxRow(d, r * n, n);
            }
        });
        return y;
    }

    // ---- pointwise -------------------------------------------------------------------------------

    @Override
    public Tensor activation(Tensor x, Activation act) {
        return activationInPlace(x.copy(), act);
    }

    @Override
    public Tensor activationInPlace(Tensor x, Activation act) {
        float[] d = x.array();
        int off = x.offset();
        par.forRange(x.size(), 4096, (i0, i1) -> Pointwise.activate(act, d, off + i0, i1 - i0));
        return x;
    }

    @Override
    public Tensor geglu(Tensor x) {
        requireRankAtLeast("geglu", x, 1);
        int two = x.dim(-1);
        if (two % 2 != 0) {
            throw new IllegalArgumentException("geglu: last dimension of " + x + " must be even");
        }
        x = x.asF32();
        int n = two / 2;
        int rows = x.size() / Math.max(1, two);
        int[] shape = x.shape();
        shape[shape.length - 1] = n;
        Tensor y = Tensor.zeros(shape);
        float[] src = x.array();
        int so = x.offset();
        float[] dst = y.array();
        par.forRange(rows, Math.max(1, 2048 / Math.max(1, n)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                System.arraycopy(src, so + r * two + n, dst, r * n, n);
                Pointwise.gelu(dst, r * n, n);
                Pointwise.mul(dst, r * n, src, so + r * two, dst, r * n, n);
            }
        });
        return y;
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return binary(Broadcast.Op.ADD, a, b);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return binary(Broadcast.Op.MUL, a, b);
    }

    private Tensor binary(Broadcast.Op op, Tensor a, Tensor b) {
        int[] out = Broadcast.shape(a.shape(), b.shape());
        a = a.asF32();
        b = b.asF32();
        Tensor y = Tensor.zeros(out);
        Broadcast.apply(par, op, a.array(), a.offset(), a.shape(), b.array(), b.offset(), b.shape(), y.array(), 0, out);
        return y;
    }

    @Override
    public Tensor addInPlace(Tensor a, Tensor b) {
        int[] out = Broadcast.shape(a.shape(), b.shape());
        if (!Arrays.equals(out, a.shape())) {
            throw new IllegalArgumentException("addInPlace: " + b + " does not broadcast to " + a);
        }
        b = b.asF32();
        Broadcast.apply(par, Broadcast.Op.ADD, a.array(), a.offset(), a.shape(), b.array(), b.offset(), b.shape(),
                a.array(), a.offset(), out);
        return a;
    }

    @Override
    public Tensor scale(Tensor x, float s) {
        Tensor y = x.copy();
        float[] d = y.array();
        par.forRange(y.size(), 8192, (i0, i1) -> Pointwise.mulScalar(d, i0, s, d, i0, i1 - i0));
        return y;
    }

    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " above upper bound " + hi);
        }
        Tensor y = x.copy();
        float[] d = y.array();
        par.forRange(y.size(), 8192, (i0, i1) -> Pointwise.clamp(d, i0, i1 - i0, lo, hi));
        return y;
    }

    // ---- attention -------------------------------------------------------------------------------

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, boolean causal) {
        if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3 || q.dim(0) != k.dim(0) || k.dim(0) != v.dim(0)
                || k.dim(1) != v.dim(1) || q.dim(2) != k.dim(2) || heads <= 0 || q.dim(2) % heads != 0
                || v.dim(2) % heads != 0) {
            throw new IllegalArgumentException("attention: q " + q + ", k " + k + ", v " + v + " with " + heads
                    + " heads (expected [B, L, H·D] each, same B, same key length for k and v)");
        }
        int b = q.dim(0);
        int lq = q.dim(1);
        int lk = k.dim(1);
        int d = q.dim(2) / heads;
        int dv = v.dim(2) / heads;
        Tensor qq = dense(q);
        Tensor kk = dense(k);
        Tensor vv = dense(v);
        Tensor out = Tensor.zeros(b, lq, heads * dv);
        Attention.attention(par, b, lq, lk, heads, d, dv, qq.array(), kk.array(), vv.array(),
                (float) (1.0 / Math.sqrt(d)), causal, out.array());
        return out;
    }

    /** A float32 array tensor starting at offset 0 (kernels index from 0). */
    private static Tensor dense(Tensor t) {
        return t.isF32Array() && t.offset() == 0 ? t : t.copy();
    }

    // ---- layout ----------------------------------------------------------------------------------

    @Override
    public Tensor upsampleNearest2x(Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("upsampleNearest2x: expected [B, C, H, W], got " + x);
        }
        x = x.asF32();
        int h = x.dim(2);
        int w = x.dim(3);
        Tensor y = Tensor.zeros(x.dim(0), x.dim(1), 2 * h, 2 * w);
        Layout.upsampleNearest2x(par, x.array(), x.offset(), x.dim(0) * x.dim(1), h, w, y.array());
        return y;
    }

    @Override
    public Tensor pad2d(Tensor x, int top, int bottom, int left, int right) {
        if (x.rank() != 4 || top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException("pad2d: expected [B, C, H, W] and non-negative padding, got " + x
                    + " with top " + top + ", bottom " + bottom + ", left " + left + ", right " + right);
        }
        x = x.asF32();
        int h = x.dim(2);
        int w = x.dim(3);
        Tensor y = Tensor.zeros(x.dim(0), x.dim(1), top + h + bottom, left + w + right);
        Layout.pad2d(par, x.array(), x.offset(), x.dim(0) * x.dim(1), h, w, top, bottom, left, right, y.array());
        return y;
    }

    @Override
    public Tensor concat(int dim, Tensor... parts) {
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
        Tensor y = Tensor.zeros(out);
        int outer = 1;
        for (int i = 0; i < d; i++) {
            outer *= out[i];
        }
        int inner = 1;
        for (int i = d + 1; i < r; i++) {
            inner *= out[i];
        }
        int at = 0;
        for (Tensor p : parts) {
            Tensor f = p.asF32();
            int len = f.dim(d);
            Layout.copyBlock(f.array(), f.offset(), len, 0, len, y.array(), 0, total, at, outer, inner);
            at += len;
        }
        return y;
    }

    @Override
    public Tensor narrow(Tensor x, int dim, int start, int length) {
        int r = x.rank();
        int d = dim < 0 ? r + dim : dim;
        if (d < 0 || d >= r || start < 0 || length < 0 || start + length > x.dim(d)) {
            throw new IllegalArgumentException("narrow: [" + start + ", " + (start + length) + ") along dimension "
                    + dim + " of " + x);
        }
        x = x.asF32();
        int[] out = x.shape();
        out[d] = length;
        int outer = 1;
        for (int i = 0; i < d; i++) {
            outer *= out[i];
        }
        int inner = 1;
        for (int i = d + 1; i < r; i++) {
            inner *= out[i];
        }
        Tensor y = Tensor.zeros(out);
        Layout.copyBlock(x.array(), x.offset(), x.dim(d), start, length, y.array(), 0, length, 0, outer, inner);
        return y;
    }

    @Override
    public Tensor permute(Tensor x, int... dims) {
        int r = x.rank();
        if (dims.length != r) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " for " + x);
        }
        boolean[] seen = new boolean[r];
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            if (dims[i] < 0 || dims[i] >= r || seen[dims[i]]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " is not a permutation of 0.." + (r - 1));
            }
            seen[dims[i]] = true;
            out[i] = x.dim(dims[i]);
        }
        x = x.asF32();
        Tensor y = Tensor.zeros(out);
        Layout.permute(par, x.array(), x.offset(), x.shape(), dims, y.array());
        return y;
    }

    // ---- embeddings ------------------------------------------------------------------------------

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        if (table.rank() != 2) {
            throw new IllegalArgumentException("embedding: table must be [V, D], got " + table);
        }
        int vocab = table.dim(0);
        int d = table.dim(1);
        int n = ids.size();
        int[] shape = Arrays.copyOf(ids.shape(), ids.rank() + 1);
        shape[ids.rank()] = d;
        Tensor y = Tensor.zeros(shape);
        for (int i = 0; i < n; i++) {
            long id = ids.storage() instanceof SegmentStorage s ? s.getLong(ids.storageOffset() + i) : (long) ids.getFlat(i);
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("embedding: id " + id + " at position " + i
                        + " is outside the table of " + vocab + " rows");
            }
            jdiffusion.tensor.Half.toFloat(table.storage(), table.storageOffset() + id * d, y.array(), i * d, d);
        }
        return y;
    }

    @Override
    public Tensor timestepEmbedding(Tensor t, int dim, boolean cosFirst, float shift, float maxPeriod) {
        int n = t.size();
        int half = dim / 2;
        Tensor y = Tensor.zeros(n, dim);
        float[] d = y.array();
        // Float32 throughout, in PyTorch's order: freqs = exp(−ln(P)·k / (half − shift)); arg = t·freq.
        float lnP = (float) Math.log(maxPeriod);
        float[] freqs = new float[half];
        for (int k = 0; k < half; k++) {
            float e = (-lnP * (float) k) / (half - shift);
            freqs[k] = (float) Math.exp(e);
        }
        for (int i = 0; i < n; i++) {
            float ti = t.getFlat(i);
            for (int k = 0; k < half; k++) {
                float arg = ti * freqs[k];
                float c = (float) Math.cos(arg);
                float s = (float) Math.sin(arg);
                d[i * dim + k] = cosFirst ? c : s;
                d[i * dim + half + k] = cosFirst ? s : c;
            }
        }
        return y;
    }
}
