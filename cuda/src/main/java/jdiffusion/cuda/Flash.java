package jdiffusion.cuda;

/**
 * Launcher of the tensor-core attention kernel (attention.cu) over packed operands: q, k, v as
 * [B·H][L][DP] in f16/bf16 with the head dimension zero-padded to DP; output float32
 * [B][Lq][H·D].
 */
public final class Flash {
    private Flash() {
    }

    /** Padded head sizes with a compiled kernel variant. */
    static final int[] DPS = {16, 32, 48, 64, 80, 96, 128, 160};

    /** The padded head size for D, or -1 when no variant covers it. */
    public static int paddedHeadDim(int d) {
        int dp = (d + 15) / 16 * 16;
        for (int v : DPS) {
            if (v == dp) {
                return dp;
            }
        }
        return -1;
    }

    /** Query rows per block of the default variant: 128 (two m16 tiles per warp) while registers allow. */
    public static int defaultRows(int dp) {
        return dp <= 96 ? 128 : 64;
    }

    static int smemBytes(int dp, int rows) {
        return (rows + 4 * 64) * (dp + 8) * 2;
    }

    public static void attention(CudaContext ctx, ElemType t, int dp, long q, long k, long v, long out, int batch,
                                 int heads, int lq, int lk, int d, boolean causal) {
        attention(ctx, t, dp, defaultRows(dp), q, k, v, out, batch, heads, lq, lk, d, causal);
    }

    /** With an explicit variant: {@code rows} = 64 or 128 (128 only for dp <= 96). */
    public static void attention(CudaContext ctx, ElemType t, int dp, int rows, long q, long k, long v, long out,
                                 int batch, int heads, int lq, int lk, int d, boolean causal) {
        if (t == ElemType.F32 || paddedHeadDim(d) != dp || !(rows == 64 || (rows == 128 && dp <= 96))) {
            throw new IllegalArgumentException("flash attention: head size " + d + " with padding " + dp + ", "
                    + rows + " rows per block, in " + t);
        }
        long bh = (long) batch * heads;
        if (bh > 65535) {
            throw new IllegalArgumentException("flash attention: batch·heads " + bh + " exceeds 65535");
        }
        if (lq == 0 || bh == 0) {
            return;
        }
        float scaleLog2 = (float) (1.0 / Math.sqrt(d) / Math.log(2.0));
        Kernel kern = Kernel.valueOf("FLASH_" + t.name() + "_D" + dp + "_Q" + rows);
        ctx.launch(kern, (lq + rows - 1) / rows, (int) bh, 1, 128, 1, 1, smemBytes(dp, rows), q, k, v, out, lq, lk,
                heads, d, scaleLog2, causal ? 1 : 0);
    }
}
