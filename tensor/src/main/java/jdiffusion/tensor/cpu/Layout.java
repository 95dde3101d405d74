package jdiffusion.tensor.cpu;

import jdiffusion.tensor.Parallel;

/** Data-movement kernels: concatenation, narrowing, permutation, nearest upsampling. */
final class Layout {
    private Layout() {
    }

    /**
     * Copies a block view: the tensor is seen as [outer, dimSize, inner]; rows [start, start+len)
     * of the middle dimension of src go to dst viewed as [outer, dstDim, inner] at row dstStart.
     */
    static void copyBlock(float[] src, int so, int srcDim, int start, int len,
                          float[] dst, int dOff, int dstDim, int dstStart, int outer, int inner) {
        int chunk = len * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, so + (o * srcDim + start) * inner, dst, dOff + (o * dstDim + dstStart) * inner, chunk);
        }
    }

    /** General permutation: dst[perm-index] = src, shapes given. */
    static void permute(Parallel par, float[] src, int so, int[] shape, int[] dims, float[] dst) {
        int r = shape.length;
        int[] outShape = new int[r];
        long[] srcStrides = new long[r];
        long acc = 1;
        for (int i = r - 1; i >= 0; i--) {
            srcStrides[i] = acc;
            acc *= shape[i];
        }
        long[] st = new long[r];
        for (int i = 0; i < r; i++) {
            outShape[i] = shape[dims[i]];
            st[i] = srcStrides[dims[i]];
        }
        int inner = r == 0 ? 1 : outShape[r - 1];
        int total = (int) acc;
        if (total == 0) {
            return;
        }
        int rows = total / inner;
        long innerStride = r == 0 ? 1 : st[r - 1];
        par.forRange(rows, Math.max(1, 4096 / inner), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int rem = row;
                long p = so;
                for (int i = r - 2; i >= 0; i--) {
                    p += (rem % outShape[i]) * st[i];
                    rem /= outShape[i];
                }
                int d = row * inner;
                if (innerStride == 1) {
                    System.arraycopy(src, (int) p, dst, d, inner);
                } else {
                    for (int j = 0; j < inner; j++) {
                        dst[d + j] = src[(int) (p + j * innerStride)];
                    }
                }
            }
        });
    }

    /** [planes, H, W] -> [planes, 2H, 2W], each pixel repeated 2×2. */
    static void upsampleNearest2x(Parallel par, float[] src, int so, int planes, int h, int w, float[] dst) {
        par.forRange(planes * h, Math.max(1, 2048 / w), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int p = row / h;
                int y = row % h;
                int s = so + row * w;
                int d0 = (p * 2 * h + 2 * y) * 2 * w;
                for (int x = 0; x < w; x++) {
                    float v = src[s + x];
                    dst[d0 + 2 * x] = v;
                    dst[d0 + 2 * x + 1] = v;
                }
                System.arraycopy(dst, d0, dst, d0 + 2 * w, 2 * w);
            }
        });
    }

    /**
     * [planes, H, W] -> [planes, top + H + bottom, left + W + right]; dst must be zero-filled, only
     * the interior is written.
     */
    static void pad2d(Parallel par, float[] src, int so, int planes, int h, int w,
                      int top, int bottom, int left, int right, float[] dst) {
        int ho = top + h + bottom;
        int wo = left + w + right;
        par.forRange(planes * h, Math.max(1, 4096 / Math.max(1, w)), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int p = row / h;
                int y = row % h;
                System.arraycopy(src, so + row * w, dst, (p * ho + top + y) * wo + left, w);
            }
        });
    }
}
