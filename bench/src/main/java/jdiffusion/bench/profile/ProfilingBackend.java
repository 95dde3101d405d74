package jdiffusion.bench.profile;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import jdiffusion.tensor.Activation;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * A {@link Backend} that forwards every call to another one and records, per operation, the calls,
 * the wall time and (for the matrix-product-shaped operations) the floating-point operations. It
 * answers "where does a UNet forward spend its time, and how close do GEMM, convolution and
 * attention come to the GEMM kernel's throughput" without touching model code.
 *
 * <p>Only meaningful over a synchronous backend (the CPU one): a call's wall time is its cost.
 * Not thread-safe; one model call at a time.
 */
public final class ProfilingBackend implements Backend {
    private final Backend inner;
    private final Map<String, OpStats> stats = new LinkedHashMap<>();

    public ProfilingBackend(Backend inner) {
        this.inner = inner;
    }

    /** Per-operation totals since the last {@link #reset()}. */
    public static final class OpStats {
        public long calls;
        public long nanos;
        public double flops;

        /** Achieved GFLOP/s (NaN for operations without a FLOP count). */
        public double gflops() {
            return flops == 0 ? Double.NaN : flops / nanos;
        }
    }

    public void reset() {
        stats.clear();
    }

    public Map<String, OpStats> stats() {
        return stats;
    }

    /** Total recorded nanoseconds over every operation. */
    public long totalNanos() {
        return stats.values().stream().mapToLong(s -> s.nanos).sum();
    }

    /** Total recorded FLOPs (matrix products, convolutions, attention). */
    public double totalFlops() {
        return stats.values().stream().mapToDouble(s -> s.flops).sum();
    }

    /** A table: operation, calls, ms, share of the recorded time, GFLOP/s. */
    public String table(long wallNanos) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-20s %7s %10s %7s %9s%n",
                "op", "calls", "ms", "share", "GFLOP/s"));
        stats.entrySet().stream()
                .sorted((x, y) -> Long.compare(y.getValue().nanos, x.getValue().nanos))
                .forEach(e -> b.append(String.format(Locale.ROOT, "  %-20s %7d %10.1f %6.1f%% %9s%n", e.getKey(),
                        e.getValue().calls, e.getValue().nanos / 1e6, 100.0 * e.getValue().nanos / wallNanos,
                        Double.isNaN(e.getValue().gflops()) ? "" : String.format(Locale.ROOT, "%.1f",
                                e.getValue().gflops()))));
        long outside = wallNanos - totalNanos();
        b.append(String.format(Locale.ROOT, "  %-20s %7s %10.1f %6.1f%%%n", "(outside the backend)", "",
                outside / 1e6, 100.0 * outside / wallNanos));
        return b.toString();
    }

    private <T> T time(String op, double flops, Supplier<T> call) {
        long t0 = System.nanoTime();
        T r = call.get();
        long dt = System.nanoTime() - t0;
        OpStats s = stats.computeIfAbsent(op, k -> new OpStats());
        s.calls++;
        s.nanos += dt;
        s.flops += flops;
        return r;
    }

    private static long product(int[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }

    @Override
    public String name() {
        return "profiled " + inner.name();
    }

    @Override
    public Tensor load(Tensor t) {
        return time("load", 0, () -> inner.load(t));
    }

    @Override
    public Tensor toHost(Tensor t) {
        return time("toHost", 0, () -> inner.toHost(t));
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int in = weight.dim(1);
        double flops = 2.0 * (x.size() / in) * in * weight.dim(0);
        return time("linear", flops, () -> inner.linear(x, weight, bias));
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transB) {
        int[] s = a.shape();
        int m = s[s.length - 2];
        int k = s[s.length - 1];
        int n = transB ? b.dim(b.rank() - 2) : b.dim(b.rank() - 1);
        double flops = 2.0 * product(s, 0, s.length - 2) * m * k * n;
        return time("matmul", flops, () -> inner.matmul(a, b, transB));
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        int[] w = weight.shape();
        int ho = (x.dim(2) + 2 * padding - w[2]) / stride + 1;
        int wo = (x.dim(3) + 2 * padding - w[3]) / stride + 1;
        double flops = 2.0 * x.dim(0) * w[0] * ho * wo * w[1] * w[2] * w[3];
        String op = w[2] == 1 && w[3] == 1 ? "conv2d 1x1" : "conv2d " + w[2] + "x" + w[3];
        return time(op, flops, () -> inner.conv2d(x, weight, bias, stride, padding));
    }

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps, boolean silu) {
        return time(silu ? "groupNorm+silu" : "groupNorm", 0,
                () -> inner.groupNorm(x, groups, gamma, beta, eps, silu));
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return time("layerNorm", 0, () -> inner.layerNorm(x, gamma, beta, eps));
    }

    @Override
    public Tensor softmax(Tensor x) {
        return time("softmax", 0, () -> inner.softmax(x));
    }

    @Override
    public Tensor activation(Tensor x, Activation act) {
        return time("activation", 0, () -> inner.activation(x, act));
    }

    @Override
    public Tensor activationInPlace(Tensor x, Activation act) {
        return time("activation", 0, () -> inner.activationInPlace(x, act));
    }

    @Override
    public Tensor geglu(Tensor x) {
        return time("geglu", 0, () -> inner.geglu(x));
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return time("add/mul/scale", 0, () -> inner.add(a, b));
    }

    @Override
    public Tensor addInPlace(Tensor a, Tensor b) {
        return time("add/mul/scale", 0, () -> inner.addInPlace(a, b));
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return time("add/mul/scale", 0, () -> inner.mul(a, b));
    }

    @Override
    public Tensor scale(Tensor x, float s) {
        return time("add/mul/scale", 0, () -> inner.scale(x, s));
    }

    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        return time("clamp", 0, () -> inner.clamp(x, lo, hi));
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, boolean causal) {
        double lq = q.dim(1);
        double lk = k.dim(1);
        double flops = 2.0 * q.dim(0) * lq * lk * (q.dim(2) + v.dim(2)) * (causal ? 0.5 : 1.0);
        String op = k.dim(1) == q.dim(1) ? "attention (self)" : "attention (cross)";
        return time(op, flops, () -> inner.attention(q, k, v, heads, causal));
    }

    @Override
    public Tensor upsampleNearest2x(Tensor x) {
        return time("layout", 0, () -> inner.upsampleNearest2x(x));
    }

    @Override
    public Tensor pad2d(Tensor x, int top, int bottom, int left, int right) {
        return time("layout", 0, () -> inner.pad2d(x, top, bottom, left, right));
    }

    @Override
    public Tensor concat(int dim, Tensor... parts) {
        return time("layout", 0, () -> inner.concat(dim, parts));
    }

    @Override
    public Tensor narrow(Tensor x, int dim, int start, int length) {
        return time("layout", 0, () -> inner.narrow(x, dim, start, length));
    }

    @Override
    public Tensor permute(Tensor x, int... dims) {
        return time("layout", 0, () -> inner.permute(x, dims));
    }

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        return time("embedding", 0, () -> inner.embedding(table, ids));
    }

    @Override
    public Tensor timestepEmbedding(Tensor t, int dim, boolean cosFirst, float shift, float maxPeriod) {
        return time("embedding", 0, () -> inner.timestepEmbedding(t, dim, cosFirst, shift, maxPeriod));
    }
}
