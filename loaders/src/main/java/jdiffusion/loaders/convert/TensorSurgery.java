package jdiffusion.loaders.convert;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.tensor.ArrayStorage;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.SegmentStorage;
import jdiffusion.tensor.Tensor;

/**
 * The few layout changes the diffusers → LDM mapping needs, done on the stored bytes so the dtype
 * and every value are kept exactly (an f16 weight stays f16).
 */
public final class TensorSurgery {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TensorSurgery() {
    }

    /** The tensor's elements as little-endian bytes of its dtype (a view when it lives in a file). */
    static MemorySegment bytes(Tensor t) {
        long n = t.size();
        if (t.storage() instanceof SegmentStorage s) {
            long es = s.dtype().byteSize();
            return s.segment().asSlice(t.storageOffset() * es, n * es);
        }
        if (t.storage() instanceof ArrayStorage) {
            float[] src = t.array();
            MemorySegment out = MemorySegment.ofArray(new byte[Math.toIntExact(4 * n)]);
            for (int i = 0; i < n; i++) {
                out.set(F32_LE, 4L * i, src[t.offset() + i]);
            }
            return out;
        }
        float[] v = t.toFloatArray();
        return bytes(Tensor.of(v, t.shape()));
    }

    private static DType storedType(Tensor t) {
        return t.storage() instanceof SegmentStorage s ? s.dtype() : DType.F32;
    }

    /**
     * Stacks tensors along dimension 0 ({@code torch.cat(ts)}): q, k, v projections into one
     * {@code in_proj_weight}. All parts must have the same dtype and trailing shape.
     */
    // parts: [n_i, *rest] -> [sum n_i, *rest]
    public static Tensor concatRows(List<Tensor> parts, String what) {
        Tensor first = parts.getFirst();
        if (first.rank() == 0) {
            throw new ModelFormatException(what + ": cannot stack scalars " + first);
        }
        DType dtype = storedType(first);
        int[] rest = Arrays.copyOfRange(first.shape(), 1, first.rank());
        long rows = 0;
        for (Tensor p : parts) {
            if (p.rank() != first.rank() || !Arrays.equals(rest, Arrays.copyOfRange(p.shape(), 1, p.rank()))
                    || storedType(p) != dtype) {
                throw new ModelFormatException(what + ": cannot stack " + p + " onto " + first);
            }
            rows += p.dim(0);
        }
        byte[] out = new byte[Math.toIntExact(parts.stream().mapToLong(p -> (long) p.size()).sum() * dtype.byteSize())];
        MemorySegment dst = MemorySegment.ofArray(out);
        long at = 0;
        for (Tensor p : parts) {
            MemorySegment b = bytes(p);
            MemorySegment.copy(b, 0, dst, at, b.byteSize());
            at += b.byteSize();
        }
        int[] shape = first.shape();
        shape[0] = Math.toIntExact(rows);
        return Tensor.wrap(dst, dtype, shape);
    }

    /** Swaps the two dimensions of a matrix, element bytes copied unchanged. */
    // m: [a, b] -> [b, a]
    public static Tensor transpose(Tensor m, String what) {
        if (m.rank() != 2) {
            throw new ModelFormatException(what + ": expected a matrix, got " + m);
        }
        DType dtype = storedType(m);
        int es = dtype.byteSize();
        int a = m.dim(0);
        int b = m.dim(1);
        MemorySegment src = bytes(m);
        byte[] out = new byte[Math.toIntExact((long) a * b * es)];
        MemorySegment dst = MemorySegment.ofArray(out);
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                MemorySegment.copy(src, ((long) i * b + j) * es, dst, ((long) j * a + i) * es, es);
            }
        }
        return Tensor.wrap(dst, dtype, b, a);
    }
}
