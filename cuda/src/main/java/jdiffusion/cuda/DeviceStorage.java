package jdiffusion.cuda;

import jdiffusion.tensor.DType;
import jdiffusion.tensor.Storage;

/**
 * Float32 elements in device memory: the storage of every activation on the CUDA backend.
 * Tensors over it are ordinary {@link jdiffusion.tensor.Tensor}s (reshape and slice are views with
 * an element offset); reading an element synchronises the stream and copies it back, so model code
 * reads results through {@link jdiffusion.tensor.Backend#toHost} instead. The memory returns to
 * the context's pool when the storage becomes unreachable.
 */
public final class DeviceStorage implements Storage {
    private final CudaContext ctx;
    private final long pointer;
    private final long count;

    /** Fresh (uninitialised) device storage for {@code count} floats. */
    DeviceStorage(CudaContext ctx, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative element count " + count);
        }
        this.ctx = ctx;
        this.count = count;
        this.pointer = ctx.allocate(Math.max(4, 4 * count), this);
        ctx.poisonIfEnabled(pointer, 4 * count);
    }

    public CudaContext context() {
        return ctx;
    }

    /** Device address of element {@code index}. */
    public long address(long index) {
        return pointer + 4 * index;
    }

    @Override
    public DType dtype() {
        return DType.F32;
    }

    @Override
    public long elementCount() {
        return count;
    }

    @Override
    public float getFloat(long index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("element " + index + " of device storage of " + count);
        }
        float[] one = new float[1];
        ctx.downloadFloats(address(index), one, 0, 1);
        return one[0];
    }

    @Override
    public void readFloats(long from, float[] dst, int dstOff, int n) {
        if (from < 0 || from + n > count) {
            throw new IndexOutOfBoundsException("elements [" + from + ", " + (from + n) + ") of device storage of " + count);
        }
        ctx.downloadFloats(address(from), dst, dstOff, n);
    }

    @Override
    public String toString() {
        return "DeviceStorage[" + count + " floats on cuda:" + ctx.ordinal() + "]";
    }
}
