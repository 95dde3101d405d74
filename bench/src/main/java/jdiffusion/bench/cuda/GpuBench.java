package jdiffusion.bench.cuda;

import java.lang.ref.Reference;
import java.util.Locale;
import java.util.Random;
import jdiffusion.cuda.CudaBackend;
import jdiffusion.cuda.CudaContext;
import jdiffusion.cuda.ElemType;
import jdiffusion.cuda.Flash;
import jdiffusion.cuda.Gemm;
import jdiffusion.tensor.Tensor;

/**
 * Device-time benchmarks of the CUDA kernels at Stable Diffusion shapes: GEMM per tile and the
 * tile the backend picks, attention, 3×3 convolution (kernel time: the launches captured in a
 * CUDA graph and replayed, as the PyTorch side does), and whole backend ops with their operand
 * conversions, allocation and launch cost (eager, CUDA events, after JIT warm-up); prints one
 * {@code RESULT {json}} line per measurement for bench/cuda_vs_torch.py, which times PyTorch on the
 * same GPU and prints the comparison.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp tensor.jar:cuda.jar:bench.jar jdiffusion.bench.cuda.GpuBench</pre>
 */
public final class GpuBench {
    private final CudaContext ctx;
    private final Random rnd = new Random(7);
    private final int iters;

    private GpuBench(CudaContext ctx, int iters) {
        this.ctx = ctx;
        this.iters = iters;
    }

    public static void main(String[] args) {
        int iters = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        CudaContext ctx = CudaContext.open(0);
        ctx.loadAllModules();
        System.out.println("device: " + ctx);
        GpuBench b = new GpuBench(ctx, iters);
        b.warmUp();
        int[][] gemms = {{4096, 320, 320}, {4096, 320, 1280}, {4096, 1280, 320}, {1024, 640, 640}, {64, 1280, 1280},
                {8192, 8192, 8192}};
        for (int[] g : gemms) {
            b.gemm(g[0], g[1], g[2]);
        }
        b.attention("self", 2, 4096, 4096, 8, 40);
        b.attention("cross", 2, 4096, 77, 8, 40);
        b.attention("self", 2, 1024, 1024, 8, 80);
        b.attention("self", 2, 4096, 4096, 10, 64);
        b.conv(1, 320, 64, 64, 320);
        b.conv(2, 320, 64, 64, 320);
        b.backendOps();
    }

    /**
     * Compiles the host-side launch path (thousands of small launches, so the JIT has optimised it
     * before small kernels are timed) and brings the GPU out of its idle clocks.
     */
    private void warmUp() {
        Object owner = new Object();
        long src = ctx.allocate(4096, owner);
        long dst = ctx.allocate(4096, owner);
        for (int i = 0; i < 5000; i++) {
            Gemm.convert(ctx, src, dst, ElemType.F16, 1024);
        }
        ctx.synchronize();
        int n = 4096;
        long a = randomHalf(n * n, 1, null, owner);
        long c = ctx.allocate(4L * n * n, owner);
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 1_000_000_000L) {
            for (int i = 0; i < 20; i++) {
                Gemm.gemm(ctx, ElemType.F16, Gemm.Tile.L, a, a, c, 0L, n, n, n, n, n, n, 0, 0, 0, 1);
            }
            ctx.synchronize();
        }
        Reference.reachabilityFence(owner);
    }

    private static void result(String json) {
        System.out.println("RESULT " + json);
    }

    /** Device float buffer of n random values in [-1, 1)·scale converted to f16; host copy in out. */
    private long randomHalf(int n, float scale, float[] out, Object owner) {
        float[] h = out != null ? out : new float[n];
        for (int i = 0; i < n; i++) {
            h[i] = Float.float16ToFloat(Float.floatToFloat16((rnd.nextFloat() * 2 - 1) * scale));
        }
        long f32 = ctx.allocate(4L * n, owner);
        ctx.uploadFloats(f32, h, 0, n);
        long f16 = ctx.allocate(2L * n, owner);
        Gemm.convert(ctx, f32, f16, ElemType.F16, n);
        return f16;
    }

    /** Kernel time per call: {@code iters} calls captured in a CUDA graph, replayed (no host launch cost). */
    private float graphMs(Runnable r) {
        for (int i = 0; i < 3; i++) {
            r.run();
        }
        ctx.synchronize();
        return ctx.timeGraph(() -> {
            for (int i = 0; i < iters; i++) {
                r.run();
            }
        }, 5) / iters;
    }

    private float timeMs(Runnable r) {
        return timeMs(r, 10);
    }

    private float timeMs(Runnable r, int warm) {
        for (int i = 0; i < warm; i++) {
            r.run();
        }
        ctx.synchronize();
        return ctx.time(() -> {
            for (int i = 0; i < iters; i++) {
                r.run();
            }
        }) / iters;
    }

    // C[M][N] = A[M][K] · B[N][K]ᵀ in f16, f32 out
    private void gemm(int m, int k, int n) {
        Object owner = new Object();
        boolean big = (long) m * k > 16_000_000;
        float[] ah = big ? null : new float[m * k];
        float[] bh = big ? null : new float[n * k];
        long a = randomHalf(m * k, 1, ah, owner);
        long bw = randomHalf(n * k, 1, bh, owner);
        long c = ctx.allocate(4L * m * n, owner);
        Gemm.Tile auto = Gemm.pick(m, n, k, 1, ctx.multiprocessors());
        double flops = Gemm.flops(m, n, k);
        for (Gemm.Tile t : Gemm.Tile.values()) {
            float ms = graphMs(() -> Gemm.gemm(ctx, ElemType.F16, t, a, bw, c, 0L, m, n, k, k, k, n, 0, 0, 0, 1));
            result(String.format(Locale.ROOT, "{\"kind\":\"gemm\",\"m\":%d,\"k\":%d,\"n\":%d,\"tile\":\"%s\",\"auto\":%b,"
                    + "\"ms\":%.5f,\"tflops\":%.2f}", m, k, n, t, t == auto, ms, flops / ms / 1e9));
        }
        if (ah != null) {
            // Spot check of the last run against double-precision dot products of the same f16 data.
            float[] row = new float[n];
            double worst = 0;
            for (int s = 0; s < 8; s++) {
                int i = rnd.nextInt(m);
                ctx.downloadFloats(c + 4L * i * n, row, 0, n);
                for (int j = 0; j < n; j += Math.max(1, n / 16)) {
                    double ref = 0;
                    double mag = 0;
                    for (int p = 0; p < k; p++) {
                        ref += (double) ah[i * k + p] * bh[j * k + p];
                        mag += Math.abs((double) ah[i * k + p] * bh[j * k + p]);
                    }
                    worst = Math.max(worst, Math.abs(row[j] - ref) / mag);
                }
            }
            result(String.format(Locale.ROOT, "{\"kind\":\"gemm_check\",\"m\":%d,\"k\":%d,\"n\":%d,\"max_err_over_sum_abs\":%.3e}",
                    m, k, n, worst));
        }
        Reference.reachabilityFence(owner);  // the device blocks above belong to owner
    }

    // q, k, v packed [B·H][L][DP] f16 -> out f32 [B][Lq][H·D]
    private void attention(String name, int batch, int lq, int lk, int heads, int d) {
        Object owner = new Object();
        int dp = Flash.paddedHeadDim(d);
        long q = randomHalf(batch * heads * lq * dp, 1, null, owner);
        long k = randomHalf(batch * heads * lk * dp, 1, null, owner);
        long v = randomHalf(batch * heads * lk * dp, 1, null, owner);
        long o = ctx.allocate(4L * batch * lq * heads * d, owner);
        double flops = 4.0 * batch * heads * lq * lk * d;
        for (int rows : dp <= 96 ? new int[] {64, 128} : new int[] {64}) {
            float ms = graphMs(() -> Flash.attention(ctx, ElemType.F16, dp, rows, q, k, v, o, batch, heads, lq, lk, d, false));
            result(String.format(Locale.ROOT, "{\"kind\":\"attention\",\"name\":\"%s\",\"b\":%d,\"lq\":%d,\"lk\":%d,\"h\":%d,"
                    + "\"d\":%d,\"rows\":%d,\"auto\":%b,\"ms\":%.5f,\"tflops\":%.2f}", name, batch, lq, lk, heads, d, rows,
                    rows == Flash.defaultRows(dp), ms, flops / ms / 1e9));
        }
        Reference.reachabilityFence(owner);
    }

    // 3×3, stride 1, pad 1: NHWC f16 input, [O][9][C] weight -> NCHW f32
    private void conv(int batch, int c, int h, int w, int o) {
        Object owner = new Object();
        long x = randomHalf(batch * h * w * c, 1, null, owner);
        long wt = randomHalf(o * 9 * c, 0.05f, null, owner);
        long y = ctx.allocate(4L * batch * o * h * w, owner);
        double flops = 2.0 * batch * h * w * o * c * 9;
        Gemm.Tile auto = Gemm.pick((long) batch * h * w, o, 9L * c, 1, ctx.multiprocessors());
        for (Gemm.Tile t : Gemm.Tile.values()) {
            float ms = graphMs(() -> Gemm.conv(ctx, ElemType.F16, t, x, wt, y, 0L, batch, h, w, c, o, h, w, 3, 3, 1, 1));
            result(String.format(Locale.ROOT, "{\"kind\":\"conv\",\"b\":%d,\"c\":%d,\"h\":%d,\"w\":%d,\"o\":%d,\"tile\":\"%s\","
                    + "\"auto\":%b,\"ms\":%.5f,\"tflops\":%.2f}", batch, c, h, w, o, t, t == auto, ms, flops / ms / 1e9));
        }
        Reference.reachabilityFence(owner);
    }

    /**
     * Whole backend calls on device tensors: conversions, cached weights and the kernel together.
     * Each op first runs 400 times so its Java path is JIT-compiled, as in a sampling loop.
     */
    private void backendOps() {
        CudaBackend be = new CudaBackend(ctx, ElemType.F16);
        Tensor x = be.load(rand(2, 4096, 320));
        Tensor w1 = rand(1280, 320);
        float ms = timeMs(() -> be.linear(x, w1, null), 400);
        result(op("linear [2,4096,320]x[1280,320]^T", ms, Gemm.flops(8192, 1280, 320)));
        Tensor img = be.load(rand(2, 320, 64, 64));
        Tensor cw = rand(320, 320, 3, 3);
        ms = timeMs(() -> be.conv2d(img, cw, null, 1, 1), 400);
        result(op("conv2d [2,320,64,64] 3x3 320", ms, 2.0 * 2 * 4096 * 320 * 320 * 9));
        Tensor q = be.load(rand(2, 4096, 320));
        ms = timeMs(() -> be.attention(q, q, q, 8, false), 400);
        result(op("attention [2,4096,8x40] self", ms, 4.0 * 2 * 8 * 4096 * 4096 * 40));
        ms = timeMs(() -> be.groupNorm(img, 32, null, null, 1e-5f, true), 400);
        result(op("groupNorm+SiLU [2,320,64,64]", ms, 0));
        ms = timeMs(() -> be.layerNorm(x, null, null, 1e-5f), 400);
        result(op("layerNorm [2,4096,320]", ms, 0));
        Tensor g = be.load(rand(2, 4096, 2560));
        ms = timeMs(() -> be.geglu(g), 400);
        result(op("geglu [2,4096,2560]", ms, 0));
        ms = timeMs(() -> be.add(img, img), 400);
        result(op("add [2,320,64,64]", ms, 0));
        Tensor tiny = be.load(rand(1, 320));
        ms = timeMs(() -> be.add(tiny, tiny), 400);
        result(op("add [1,320] (per-op host overhead)", ms, 0));
    }

    private Tensor rand(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (rnd.nextFloat() * 2 - 1) * 0.1f;
        }
        return Tensor.of(a, shape);
    }

    private static String op(String name, float ms, double flops) {
        return String.format(Locale.ROOT, "{\"kind\":\"op\",\"name\":\"%s\",\"ms\":%.5f,\"tflops\":%.2f}", name, ms,
                flops > 0 ? flops / ms / 1e9 : 0);
    }
}
