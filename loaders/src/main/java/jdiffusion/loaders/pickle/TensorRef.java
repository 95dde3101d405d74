package jdiffusion.loaders.pickle;

import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a strided view of a storage.
 * Validated when built, so that materialising it never reads outside the storage.
 *
 * @param storage the storage holding the elements
 * @param offset  element offset of the first element in the storage
 * @param shape   sizes (each in [0, 2^31))
 * @param stride  element strides (non-negative)
 */
public record TensorRef(StorageRef storage, long offset, int[] shape, long[] stride) {

    /** Largest rank accepted (PyTorch itself allows 64). */
    static final int MAX_RANK = 64;

    public TensorRef {
        shape = shape.clone();
        stride = stride.clone();
    }

    /** Number of elements. */
    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** True when the elements are stored densely in row-major order (dimensions of size 1 ignored). */
    public boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return elementCount() == 0;
            }
            expected *= shape[d];
        }
        return true;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorRef t && storage.equals(t.storage) && offset == t.offset
                && Arrays.equals(shape, t.shape) && Arrays.equals(stride, t.stride);
    }

    @Override
    public int hashCode() {
        return storage.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "TensorRef" + Arrays.toString(shape) + ":" + storage.dtype() + "@" + storage.key() + "+" + offset;
    }
}
