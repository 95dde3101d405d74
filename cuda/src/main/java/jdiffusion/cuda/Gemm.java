package jdiffusion.cuda;

/**
 * Launchers of the tensor-core kernels over raw device addresses (the backend's linear, matmul and
 * conv2d build on them; benchmarks call them directly). Operands are f16 or bf16, accumulation and
 * output are float32.
 */
public final class Gemm {
    private Gemm() {
    }

    /** Block tiles of gemm.cu (k-tiles of 32 unless named 64): rows × columns of C, threads, dynamic shared memory. */
    public enum Tile {
        L(128, 128, 256, 4 * 256 * 64),
        /** L with fragments double-buffered in registers (162 registers: one block per SM). */
        LP(128, 128, 256, 4 * 256 * 64),
        M(128, 64, 128, 4 * 192 * 64), S(64, 64, 128, 4 * 128 * 64),
        /** 64-deep k-tiles (3 and 4 stages): half the barriers per FLOP. */
        L64(128, 128, 256, 3 * 256 * 128), S64(64, 64, 128, 4 * 128 * 128),
        /** 128×128 with four warps of 64×64 (fewer shared-memory reads per MMA, 225 registers). */
        W(128, 128, 128, 4 * 256 * 64);

        final int bm;
        final int bn;
        final int threads;
        final int smem;

        Tile(int bm, int bn, int threads, int smem) {
            this.bm = bm;
            this.bn = bn;
            this.threads = threads;
            this.smem = smem;
        }

        long tiles(long m, long n) {
            return ((m + bm - 1) / bm) * ((n + bn - 1) / bn);
        }
    }

    /**
     * The tile for an M×N×K product (times {@code batch}) on {@code sms} multiprocessors, from H100
     * measurements (BENCHMARKS.md): the 64×64 tile with 64-deep k-tiles is fastest at every UNet
     * shape, since its grid fills the chip several times over and short K leaves big tiles little
     * work per block; only products with thousands of 128×128 tiles and a long K (8192³) run
     * faster on the 128×128 tile of four 64×64 warps.
     */
    public static Tile pick(long m, long n, long k, long batch, int sms) {
        if (Tile.W.tiles(m, n) * batch >= 8L * sms && k >= 2048) {
            return Tile.W;
        }
        return Tile.S64;
    }

    private static Kernel gemmKernel(ElemType t, Tile tile) {
        return Kernel.valueOf("GEMM_" + t.name() + "_" + tile.name());
    }

    private static Kernel convKernel(ElemType t, Tile tile) {
        return Kernel.valueOf("CONV_" + t.name() + "_" + tile.name());
    }

    private static void checkType(ElemType t) {
        if (t == ElemType.F32) {
            throw new IllegalArgumentException("tensor-core operands must be F16 or BF16");
        }
    }

    /**
     * C[z][m][n] = Σ_k A[z][m][k]·B[z][n][k] + bias[n] for z < batch. A: [M][lda], B: [N][ldb] in
     * type t, K % 8 == 0 and lda, ldb multiples of 8 (16-byte rows); C: float32 [M][ldc]; bias 0 for
     * none; sA/sB/sC are the batch strides in elements (sB = 0 shares B).
     */
    public static void gemm(CudaContext ctx, ElemType t, Tile tile, long a, long b, long c, long bias, int m, int n,
                            int k, int lda, int ldb, int ldc, long sA, long sB, long sC, int batch) {
        checkType(t);
        if (k % 8 != 0 || lda % 8 != 0 || ldb % 8 != 0) {
            throw new IllegalArgumentException("gemm: K " + k + ", lda " + lda + ", ldb " + ldb + " must be multiples of 8");
        }
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        long tiles = tile.tiles(m, n);
        if (tiles > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gemm: " + m + "x" + n + " has too many tiles");
        }
        Kernel kern = gemmKernel(t, tile);
        for (int z0 = 0; z0 < batch; z0 += 65535) {
            int nz = Math.min(65535, batch - z0);
            ctx.launch(kern, (int) tiles, 1, nz, tile.threads, 1, 1, tile.smem,
                    a + z0 * sA * t.bytes, b + z0 * sB * t.bytes, c + z0 * sC * 4, bias, m, n, k, lda, ldb, ldc, sA, sB, sC);
        }
    }

    /**
     * Implicit-GEMM convolution. x: NHWC [B][H][W][Cp] in type t (Cp % 8 == 0, padded channels
     * zero), w: [O][kh·kw][Cp] in type t, y: float32 NCHW [B][O][Ho][Wo], bias float32 [O] or 0.
     */
    public static void conv(CudaContext ctx, ElemType t, Tile tile, long x, long w, long y, long bias, int b, int h,
                            int wd, int cp, int o, int ho, int wo, int kh, int kw, int stride, int pad) {
        checkType(t);
        if (cp % 8 != 0) {
            throw new IllegalArgumentException("conv: padded channel count " + cp + " must be a multiple of 8");
        }
        long m = (long) b * ho * wo;
        if (m == 0 || o == 0) {
            return;
        }
        if (m > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv: " + m + " output pixels exceed 2^31");
        }
        ctx.launch(convKernel(t, tile), (int) tile.tiles(m, o), 1, 1, tile.threads, 1, 1, tile.smem,
                x, w, y, bias, b, h, wd, cp, o, ho, wo, kh, kw, stride, pad);
    }

    /** Converts {@code n} float32 values at {@code src} to type t at {@code dst} (operand preparation). */
    public static void convert(CudaContext ctx, long src, long dst, ElemType t, int n) {
        if (n > 0) {
            ctx.launch(Kernel.CVT_ROWS, ctx.blocksFor(n, 256), 1, 1, 256, 1, 1, 0, src, ElemType.F32.code, (long) n, dst,
                    t.code, (long) n, 1L, n, n);
        }
    }

    /** Multiply-adds ×2 of an M×N×K product (for TFLOP/s). */
    public static double flops(long m, long n, long k) {
        return 2.0 * m * n * k;
    }
}
