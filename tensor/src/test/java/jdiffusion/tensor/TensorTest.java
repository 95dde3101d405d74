package jdiffusion.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void reshapeAndSliceShareStorage() {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4);
        Tensor r = t.reshape(2, -1);
        assertArrayEquals(new int[] {2, 6}, r.shape());
        Tensor s = t.slice(1, 3);
        assertArrayEquals(new int[] {2, 4}, s.shape());
        assertEquals(4f, s.get(0, 0));
        assertEquals(11f, s.get(1, 3));
        s.set(-1f, 0, 0);
        assertEquals(-1f, t.get(1, 0), "a slice is a view");
        assertEquals(4, s.offset());
    }

    @Test
    void badShapesAreNamed() {
        Tensor t = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
        assertTrue(e.getMessage().contains("[4, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertThrows(IllegalArgumentException.class, () -> t.slice(1, 3));
    }

    @Test
    void segmentTensorsConvertOnRead() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(2 * 6);
            var le = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            float[] values = {0.5f, -2f, 3.25f, 1024f, -0.125f, 7f};
            for (int i = 0; i < 6; i++) {
                seg.setAtIndex(le, i, Float.floatToFloat16(values[i]));
            }
            Tensor w = Tensor.wrap(seg, DType.F16, 2, 3);
            assertEquals(DType.F16, w.dtype());
            assertEquals(3.25f, w.get(0, 2));
            assertArrayEquals(values, w.toF32().array());
            assertArrayEquals(new float[] {1024f, -0.125f, 7f}, w.slice(1, 2).toFloatArray());
            assertThrows(IllegalStateException.class, w::array);
        }
    }
}
