package jdiffusion.loaders.pickle;

import java.lang.foreign.MemorySegment;

/** Gathers a strided view into a dense row-major byte array, element bytes copied as they are. */
final class StridedCopy {
    private StridedCopy() {
    }

    /**
     * Copies the elements of the view (first element at byte {@code base} of {@code src}, element
     * size {@code es} bytes) into C order.
     *
     * @param shape  view sizes [d0, ..., dn-1]
     * @param stride view strides in elements
     * @return {@code product(shape) * es} bytes
     */
    static byte[] gather(MemorySegment src, long base, int es, int[] shape, long[] stride) {
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        byte[] out = new byte[Math.toIntExact(count * es)];
        if (count == 0) {
            return out;
        }
        MemorySegment dst = MemorySegment.ofArray(out);
        int rank = shape.length;
        int inner = shape[rank - 1];
        long innerStride = stride[rank - 1];
        int[] idx = new int[rank];
        long rowStart = base;
        long written = 0;
        while (true) {
            // one row along the last dimension
            if (innerStride == 1) {
                MemorySegment.copy(src, rowStart, dst, written, (long) inner * es);
                written += (long) inner * es;
            } else {
                long p = rowStart;
                for (int i = 0; i < inner; i++) {
                    MemorySegment.copy(src, p, dst, written, es);
                    written += es;
                    p += innerStride * es;
                }
            }
            // advance the outer index (odometer), keeping rowStart in step
            int d = rank - 2;
            while (d >= 0) {
                idx[d]++;
                rowStart += stride[d] * es;
                if (idx[d] < shape[d]) {
                    break;
                }
                rowStart -= (long) shape[d] * stride[d] * es;
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return out;
            }
        }
    }
}
