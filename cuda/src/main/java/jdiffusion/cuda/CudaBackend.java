package jdiffusion.cuda;

import java.util.Arrays;
import jdiffusion.tensor.Activation;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;

/**
 * The GPU backend: the same {@link Backend} operations as the CPU kernels, computed by our PTX
 * kernels on one CUDA device. Activations are float32 {@link DeviceStorage} tensors that stay on
 * the device from op to op ({@link #load} uploads, {@link #toHost} downloads); weights are
 * uploaded once, converted to f16/bf16 (bf16 weights stay bf16, f16 stay f16, f32 weights use the
 * compute type) and cached by their host storage. Matrix products, convolutions and attention run
 * on the tensor cores with f32 accumulation; normalisations and pointwise ops are float32.
 *
 * <p>Argument checking is here; the arithmetic is in {@link GemmOps}, {@link PointwiseOps} and
 * {@link LayoutOps}.
 */
public final class CudaBackend implements Backend {
    private final Gpu gpu;
    private final GemmOps gemm;
    private final PointwiseOps pw;
    private final LayoutOps layout;

    /** A backend on {@code ctx} computing matrix products in {@code computeType} (F16 or BF16). */
    public CudaBackend(CudaContext ctx, ElemType computeType) {
        CpuBackend cpu = new CpuBackend();
        this.gpu = new Gpu(ctx, computeType);
        this.gemm = new GemmOps(gpu);
        this.pw = new PointwiseOps(gpu, cpu);
        this.layout = new LayoutOps(gpu, cpu);
    }

    /** A backend on {@code ctx} with f16 tensor-core operands. */
    public CudaBackend(CudaContext ctx) {
        this(ctx, ElemType.F16);
    }

    public CudaContext context() {
        return gpu.ctx;
    }

    public ElemType computeType() {
        return gpu.compute;
    }

    /** Number of weight layouts resident on the device. */
    public int cachedWeights() {
        return gpu.weights.size();
    }

    /** Drops every cached device weight (needed only after a host weight was modified in place). */
    public void clearWeightCache() {
        gpu.weights.clear();
    }

    /** Forces the attention kernel variant with {@code rows} query rows per block (0: default). */
    void flashRows(int rows) {
        gemm.flashRows = rows;
    }

    /** Forces one GEMM/conv tile (null: the heuristic). */
    void forceTile(Gemm.Tile t) {
        gemm.forcedTile = t;
    }

    /** Waits for all queued device work. */
    public void synchronize() {
        gpu.ctx.synchronize();
    }

    @Override
    public String name() {
        return "cuda:" + gpu.ctx.ordinal() + " (" + gpu.ctx.deviceName() + ", " + gpu.compute.name().toLowerCase() + ")";
    }

    @Override
    public Tensor load(Tensor t) {
        return gpu.device(t);
    }

    @Override
    public Tensor toHost(Tensor t) {
        return gpu.host(t);
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
        if (bias != null && bias.size() != weight.dim(0)) {
            throw new IllegalArgumentException("linear: bias " + bias + " for " + weight.dim(0) + " outputs");
        }
        return gemm.linear(x, weight, bias);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transB) {
        requireRankAtLeast("matmul", a, 2);
        requireRankAtLeast("matmul", b, 2);
        int k = a.dim(-1);
        int kb = transB ? b.dim(-1) : b.dim(-2);
        if (kb != k) {
            throw new IllegalArgumentException("matmul: " + a + " times " + b + (transB ? "ᵀ" : "") + ": inner dimensions differ");
        }
        if (b.rank() != 2) {
            int[] ab = Arrays.copyOf(a.shape(), a.rank() - 2);
            int[] bb = Arrays.copyOf(b.shape(), b.rank() - 2);
            if (!Arrays.equals(ab, bb)) {
                throw new IllegalArgumentException("matmul: batch dimensions of " + a + " and " + b + " differ");
            }
        }
        return gemm.matmul(a, b, transB);
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
        int ho = (x.dim(2) + 2 * padding - weight.dim(2)) / stride + 1;
        int wo = (x.dim(3) + 2 * padding - weight.dim(3)) / stride + 1;
        if (ho <= 0 || wo <= 0) {
            throw new IllegalArgumentException("conv2d: input " + x + " too small for kernel " + weight.dim(2) + "x" + weight.dim(3));
        }
        if (bias != null && bias.size() != weight.dim(0)) {
            throw new IllegalArgumentException("conv2d: bias " + bias + " for " + weight.dim(0) + " output channels");
        }
        return gemm.conv2d(x, weight, bias, stride, padding, ho, wo);
    }

    // ---- normalisation -----------------------------------------------------------------------------

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps, boolean silu) {
        requireRankAtLeast("groupNorm", x, 2);
        int c = x.dim(1);
        if (groups <= 0 || c % groups != 0) {
            throw new IllegalArgumentException("groupNorm: " + c + " channels cannot form " + groups + " groups");
        }
        return pw.groupNorm(x, groups, gamma, beta, eps, silu);
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        requireRankAtLeast("layerNorm", x, 1);
        return pw.layerNorm(x, gamma, beta, eps);
    }

    @Override
    public Tensor softmax(Tensor x) {
        requireRankAtLeast("softmax", x, 1);
        return pw.softmax(x);
    }

    // ---- pointwise -------------------------------------------------------------------------------

    @Override
    public Tensor activation(Tensor x, Activation act) {
        return pw.activation(x, act);
    }

    @Override
    public Tensor activationInPlace(Tensor x, Activation act) {
        return pw.activationInPlace(x, act);
    }

    @Override
    public Tensor geglu(Tensor x) {
        requireRankAtLeast("geglu", x, 1);
        if (x.dim(-1) % 2 != 0) {
            throw new IllegalArgumentException("geglu: last dimension of " + x + " must be even");
        }
        return pw.geglu(x);
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return layout.binary(0, a, b, false);
    }

    @Override
    public Tensor addInPlace(Tensor a, Tensor b) {
        return layout.binary(0, a, b, true);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return layout.binary(1, a, b, false);
    }

    @Override
    public Tensor scale(Tensor x, float s) {
        return pw.scale(x, s);
    }

    /** min(max(x, lo), hi) element-wise; NaN stays NaN. */
    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " above upper bound " + hi);
        }
        return pw.clamp(x, lo, hi);
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
        int d = q.dim(2) / heads;
        int dv = v.dim(2) / heads;
        if (d > 256 || dv > 256) {
            if (causal) {
                throw new IllegalArgumentException("attention: causal attention with head sizes " + d + "/" + dv
                        + " (the GPU kernels go up to 256)");
            }
            return AttentionByParts.attention(this, q, k, v, heads, MAX_SCORES);
        }
        return gemm.attention(q, k, v, heads, causal);
    }

    /** Float32 scores held at once by the matmul/softmax attention path: 64 Mi (256 MiB). */
    private static final long MAX_SCORES = 64L << 20;

    // ---- layout ----------------------------------------------------------------------------------

    @Override
    public Tensor upsampleNearest2x(Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("upsampleNearest2x: expected [B, C, H, W], got " + x);
        }
        return layout.upsample2x(x);
    }

    /** Zero padding of H and W: [B, C, H, W] -> [B, C, top + H + bottom, left + W + right]. */
    @Override
    public Tensor pad2d(Tensor x, int top, int bottom, int left, int right) {
        if (x.rank() != 4 || top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException("pad2d: expected [B, C, H, W] and non-negative padding, got " + x
                    + " with top " + top + ", bottom " + bottom + ", left " + left + ", right " + right);
        }
        return layout.pad2d(x, top, bottom, left, right);
    }

    @Override
    public Tensor concat(int dim, Tensor... parts) {
        return layout.concat(dim, parts);
    }

    @Override
    public Tensor narrow(Tensor x, int dim, int start, int length) {
        int r = x.rank();
        int d = dim < 0 ? r + dim : dim;
        if (d < 0 || d >= r || start < 0 || length < 0 || start + length > x.dim(d)) {
            throw new IllegalArgumentException("narrow: [" + start + ", " + (start + length) + ") along dimension "
                    + dim + " of " + x);
        }
        return layout.narrow(x, d, start, length);
    }

    @Override
    public Tensor permute(Tensor x, int... dims) {
        int r = x.rank();
        if (dims.length != r) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " for " + x);
        }
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            if (dims[i] < 0 || dims[i] >= r || seen[dims[i]]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " is not a permutation of 0.." + (r - 1));
            }
            seen[dims[i]] = true;
        }
        return layout.permute(x, dims);
    }

    // ---- embeddings ------------------------------------------------------------------------------

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        if (table.rank() != 2) {
            throw new IllegalArgumentException("embedding: table must be [V, D], got " + table);
        }
        return layout.embedding(table, ids);
    }

    @Override
    public Tensor timestepEmbedding(Tensor t, int dim, boolean cosFirst, float shift, float maxPeriod) {
        return layout.timestepEmbedding(t, dim, cosFirst, shift, maxPeriod);
    }
}
