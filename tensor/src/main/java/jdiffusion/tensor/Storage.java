package jdiffusion.tensor;

/**
 * Where a tensor's elements live. The CPU backend computes on {@link ArrayStorage} (float32 heap
 * arrays) and reads weights from {@link SegmentStorage} (memory-mapped file regions in their file
 * dtype) without copying them. A GPU backend adds its own storage kind; model code never looks
 * inside.
 */
public interface Storage {
    /** Element type of the storage. */
    DType dtype();

    /** Number of elements the storage holds. */
    long elementCount();

    /**
     * Reads one element as float (any dtype; integer types are converted exactly where float can
     * represent them). Slow path for tests, small tensors and scalars.
     */
    float getFloat(long index);

    /**
     * Reads {@code n} elements from {@code from} as float into {@code dst[dstOff ..]}. Storages
     * that live elsewhere (device memory) override this with one bulk copy; the default reads
     * element by element.
     */
    default void readFloats(long from, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = getFloat(from + i);
        }
    }
}
