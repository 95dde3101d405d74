package jdiffusion.loaders.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Stacking and transposing on stored bytes against plain index arithmetic, for f16 and f32 tensors. */
class TensorSurgeryTest {
    static Tensor f16(SplittableRandom r, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        MemorySegment s = MemorySegment.ofArray(new byte[2 * n]);
        for (int i = 0; i < n; i++) {
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i,
                    Float.floatToFloat16((float) r.nextGaussian()));
        }
        return Tensor.wrap(s, DType.F16, shape);
    }

    @Test
    void concatRowsMatchesIndexArithmetic() {
        SplittableRandom r = new SplittableRandom(3);
        List<Tensor> parts = List.of(f16(r, 3, 5), f16(r, 1, 5), f16(r, 7, 5));
        Tensor c = TensorSurgery.concatRows(parts, "t");
        assertEquals(DType.F16, c.dtype());
        assertArrayEquals(new int[] {11, 5}, c.shape());
        int row = 0;
        for (Tensor p : parts) {
            for (int i = 0; i < p.dim(0); i++, row++) {
                for (int j = 0; j < 5; j++) {
                    assertEquals(p.get(i, j), c.get(row, j));
                }
            }
        }
        // f32 heap tensors (with an offset view) stack too
        Tensor a = Tensor.of(new float[] {9, 1, 2, 3, 4, 5, 6}, 7).slice(1, 7).reshape(3, 2);
        Tensor b = Tensor.of(new float[] {7, 8}, 1, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, TensorSurgery.concatRows(List.of(a, b), "t").toFloatArray());
        assertThrows(ModelFormatException.class, () -> TensorSurgery.concatRows(List.of(f16(r, 2, 3), f16(r, 2, 4)), "t"));
        assertThrows(ModelFormatException.class, () -> TensorSurgery.concatRows(List.of(f16(r), f16(r)), "t"));
    }

    @Test
    void transposeMatchesIndexArithmetic() {
        SplittableRandom r = new SplittableRandom(4);
        Tensor m = f16(r, 7, 13);
        Tensor t = TensorSurgery.transpose(m, "t");
        assertArrayEquals(new int[] {13, 7}, t.shape());
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 13; j++) {
                assertEquals(m.get(i, j), t.get(j, i));
            }
        }
        assertThrows(ModelFormatException.class, () -> TensorSurgery.transpose(f16(r, 2, 2, 2), "t"));
    }
}
