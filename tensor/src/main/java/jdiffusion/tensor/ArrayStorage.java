package jdiffusion.tensor;

/** Float32 elements in a heap array: the storage of every activation on the CPU backend. */
public record ArrayStorage(float[] data) implements Storage {

    @Override
    public DType dtype() {
        return DType.F32;
    }

    @Override
    public long elementCount() {
        return data.length;
    }

    @Override
    public float getFloat(long index) {
        return data[Math.toIntExact(index)];
    }
}
