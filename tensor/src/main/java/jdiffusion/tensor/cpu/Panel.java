package jdiffusion.tensor.cpu;

/**
 * A GEMM operand as the packer sees it: an [X, K] matrix (X = M for A, N for B) that can copy a
 * sliver of its rows into the micro-kernel's interleaved layout. Implementations decide where the
 * elements come from (a float array, a memory-mapped f16 weight, an image read as im2col on the fly).
 */
interface Panel {
    /**
     * Writes {@code dst[dstOff + p·width + x] = op[x0 + x, p0 + p]} for {@code x < rows}, {@code p < kc},
     * and zeros for {@code rows <= x < width}.
     */
    void pack(int x0, int rows, int p0, int kc, float[] dst, int dstOff, int width);

    /**
     * Packs {@code count} consecutive slivers of {@code width} rows from x0 (rows at or past
     * {@code xEnd} are zeros), sliver q at {@code dstOff + q·width·kc}: {@link #pack} for each, unless
     * the layout can copy several slivers in one sweep.
     */
    default void packSlivers(int x0, int xEnd, int count, int p0, int kc, float[] dst, int dstOff, int width) {
        for (int q = 0; q < count; q++) {
            int x = x0 + q * width;
            pack(x, Math.min(width, xEnd - x), p0, kc, dst, dstOff + q * width * kc, width);
        }
    }
}
