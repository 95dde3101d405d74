package jdiffusion.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * An n-dimensional, row-major (C-order), contiguous array of elements over a {@link Storage}.
 *
 * <p>Activations are float32 heap arrays ({@link #array()}, {@link #offset()}); weights may stay in
 * a memory-mapped checkpoint in f16/bf16 ({@link #wrap(MemorySegment, DType, int...)}) and are
 * converted inside kernels. Views that keep the data contiguous ({@link #reshape}, {@link #slice})
 * share storage; everything else (permute, concat along an inner dimension) copies.
 */
public final class Tensor {
    private final Storage storage;
    private final long offset;
    private final int[] shape;
    private final int size;

    private Tensor(Storage storage, long offset, int[] shape) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape.clone();
        this.size = checkedSize(this.shape);
        if (offset < 0 || offset + size > storage.elementCount()) {
            throw new IllegalArgumentException("view [" + offset + ", " + (offset + size)
                    + ") outside storage of " + storage.elementCount() + " elements");
        }
    }

    /** A new float32 tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new ArrayStorage(new float[checkedSize(shape)]), 0, shape);
    }

    /** Wraps {@code data} (not copied) as a float32 tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        if (checkedSize(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs "
                    + checkedSize(shape) + " elements, data has " + data.length);
        }
        return new Tensor(new ArrayStorage(data), 0, shape);
    }

    /** A scalar-filled float32 tensor. */
    public static Tensor full(float value, int... shape) {
        float[] d = new float[checkedSize(shape)];
        Arrays.fill(d, value);
        return new Tensor(new ArrayStorage(d), 0, shape);
    }

    /** Views a memory segment (e.g. a mapped checkpoint region) as a tensor, without copying. */
    public static Tensor wrap(MemorySegment segment, DType dtype, int... shape) {
        return new Tensor(new SegmentStorage(segment, dtype, checkedSize(shape)), 0, shape);
    }

    /** A tensor over any storage (used by backends that bring their own storage kind). */
    public static Tensor over(Storage storage, long offset, int... shape) {
        return new Tensor(storage, offset, shape);
    }

    static int checkedSize(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " exceeds 2^31 elements");
            }
        }
        return (int) n;
    }

    public Storage storage() {
        return storage;
    }

    public DType dtype() {
        return storage.dtype();
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** Element offset of this view in its storage. */
    public long storageOffset() {
        return offset;
    }

    public boolean isF32Array() {
        return storage instanceof ArrayStorage;
    }

    /**
     * The float32 heap array behind this tensor; elements are {@code array()[offset() .. offset() +
     * size())}. Fails for tensors not stored in a heap array (use {@link #toF32()} first).
     */
    public float[] array() {
        if (storage instanceof ArrayStorage a) {
            return a.data();
        }
        throw new IllegalStateException("tensor " + this + " is stored as " + storage.dtype() + " in "
                + storage.getClass().getSimpleName() + ", not a float32 array; call toF32()");
    }

    /** Offset of the first element in {@link #array()}. */
    public int offset() {
        return (int) offset;
    }

    /** Same elements, new shape; one dimension may be -1 (inferred). Never copies. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("more than one -1 in " + Arrays.toString(newShape));
                }
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + this + " to " + Arrays.toString(newShape));
            }
            s[infer] = (int) (size / known);
        }
        if (checkedSize(s) != size) {
            throw new IllegalArgumentException("cannot reshape " + this + " to " + Arrays.toString(newShape));
        }
        return new Tensor(storage, offset, s);
    }

    /** Rows {@code [from, to)} of dimension 0, as a view. */
    public Tensor slice(int from, int to) {
        if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + this);
        }
        int inner = shape[0] == 0 ? 0 : size / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(storage, offset + (long) from * inner, s);
    }

    /** Element at a flat (row-major) index, converted to float. */
    public float getFlat(long i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " of " + this);
        }
        return storage.getFloat(offset + i);
    }

    /** Element at a multi-index, converted to float. */
    public float get(int... idx) {
        return getFlat(flatIndex(idx));
    }

    /** Sets an element of a float32 heap tensor. */
    public void set(float value, int... idx) {
        array()[(int) (offset + flatIndex(idx))] = value;
    }

    private long flatIndex(int[] idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + idx.length + " for " + this);
        }
        long flat = 0;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " of " + this);
            }
            flat = flat * shape[i] + idx[i];
        }
        return flat;
    }

    /** A float32 heap copy of this tensor, whatever its storage (vectorised for f16/bf16). */
    public Tensor toF32() {
        float[] d = new float[size];
        Half.toFloat(storage, offset, d, 0, size);
        return new Tensor(new ArrayStorage(d), 0, shape);
    }

    /** This tensor if it is already a float32 heap tensor, otherwise {@link #toF32()}. */
    public Tensor asF32() {
        return isF32Array() ? this : toF32();
    }

    /** A float32 copy of the elements as a fresh, exactly-sized array. */
    public float[] toFloatArray() {
        float[] d = new float[size];
        Half.toFloat(storage, offset, d, 0, size);
        return d;
    }

    /** A deep float32 copy. */
    public Tensor copy() {
        return toF32();
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** Throws with both shapes named when the shape differs from {@code expected}. */
    public Tensor requireShape(String what, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(what + ": expected shape " + Arrays.toString(expected)
                    + ", got " + Arrays.toString(shape));
        }
        return this;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + ":" + storage.dtype();
    }
}
