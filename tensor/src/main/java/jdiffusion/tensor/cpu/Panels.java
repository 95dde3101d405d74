package jdiffusion.tensor.cpu;

import jdiffusion.tensor.ArrayStorage;
import jdiffusion.tensor.Half;
import jdiffusion.tensor.Storage;

/** The two matrix layouts a dense operand can have, as {@link Panel}s over any {@link Storage}. */
final class Panels {
    private Panels() {
    }

    /**
     * An [X, K] view of storage elements. {@code kContiguous}: element (x, p) at off + x·ld + p
     * (A untransposed, a [out, in] weight as B); otherwise at off + p·ld + x (A transposed, B untransposed).
     */
    static Panel of(Storage s, long off, int ld, boolean kContiguous) {
        if (s instanceof ArrayStorage(float[] data)) {
            int o = Math.toIntExact(off);
            return kContiguous ? new ArrayRows(data, o, ld) : new ArrayCols(data, o, ld);
        }
        return kContiguous ? new StorageRows(s, off, ld) : new StorageCols(s, off, ld);
    }

    /**
     * Float array, k contiguous: a transpose. Written one sliver row at a time (contiguous stores)
     * while reading {@code rows} sequential streams, which the prefetchers follow.
     */
    private record ArrayRows(float[] a, int off, int ld) implements Panel {
        @Override
        public void pack(int x0, int rows, int p0, int kc, float[] dst, int dstOff, int width) {
            transpose(a, off + x0 * ld + p0, ld, rows, kc, dst, dstOff, width);
        }
    }

    /** dst[dstOff + p·width + x] = src[so + x·ld + p] for x < rows, p < kc; zeros for rows ≤ x < width. */
    static void transpose(float[] src, int so, int ld, int rows, int kc, float[] dst, int dstOff, int width) {
        for (int p = 0; p < kc; p++) {
            int d = dstOff + p * width;
            int sx = so + p;
            for (int x = 0; x < rows; x++, sx += ld) {
                dst[d + x] = src[sx];
            }
            for (int x = rows; x < width; x++) {
                dst[d + x] = 0f;
            }
        }
    }

    /** Float array, x contiguous: each k step is one contiguous copy. */
    private record ArrayCols(float[] a, int off, int ld) implements Panel {
        @Override
        public void pack(int x0, int rows, int p0, int kc, float[] dst, int dstOff, int width) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(a, off + (p0 + p) * ld + x0, dst, dstOff + p * width, rows);
            }
            zeroTail(rows, kc, dst, dstOff, width);
        }

        /**
         * Whole slivers are copied one k step (a row segment of count·width floats) at a time, which
         * the prefetchers follow, instead of sliver by sliver with rows a whole ld apart.
         */
        @Override
        public void packSlivers(int x0, int xEnd, int count, int p0, int kc, float[] dst, int dstOff, int width) {
            if (x0 + count * width > xEnd) {
                Panel.super.packSlivers(x0, xEnd, count, p0, kc, dst, dstOff, width);
                return;
            }
            for (int p = 0; p < kc; p++) {
                int so = off + (p0 + p) * ld + x0;
                for (int q = 0; q < count; q++) {
                    System.arraycopy(a, so + q * width, dst, dstOff + q * width * kc + p * width, width);
                }
            }
        }
    }

    /** Any storage (f16/bf16/f32 mapped weights), k contiguous: convert the runs (vectorised), then transpose. */
    private record StorageRows(Storage s, long off, int ld) implements Panel {
        @Override
        public void pack(int x0, int rows, int p0, int kc, float[] dst, int dstOff, int width) {
            float[] run = Workspace.get().run(rows * kc);
            for (int x = 0; x < rows; x++) {
                Half.toFloat(s, off + (long) (x0 + x) * ld + p0, run, x * kc, kc);
            }
            transpose(run, 0, kc, rows, kc, dst, dstOff, width);
        }
    }

    /** Any storage, x contiguous: converted straight into the sliver, one k step at a time. */
    private record StorageCols(Storage s, long off, int ld) implements Panel {
        @Override
        public void pack(int x0, int rows, int p0, int kc, float[] dst, int dstOff, int width) {
            for (int p = 0; p < kc; p++) {
                Half.toFloat(s, off + (long) (p0 + p) * ld + x0, dst, dstOff + p * width, rows);
            }
            zeroTail(rows, kc, dst, dstOff, width);
        }
    }

    static void zeroTail(int rows, int kc, float[] dst, int dstOff, int width) {
        if (rows == width) {
            return;
        }
        for (int p = 0; p < kc; p++) {
            int d = dstOff + p * width;
            java.util.Arrays.fill(dst, d + rows, d + width, 0f);
        }
    }
}
