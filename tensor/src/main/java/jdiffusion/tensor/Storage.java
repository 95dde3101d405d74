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
}
