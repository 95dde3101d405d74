package jdiffusion.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Ref;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pad2d and clamp (added for the VAE) against plain index-by-index references. */
class PadClampTest {
    private static final Parallel MANY = new Parallel(3);
    private static final CpuBackend CPU = new CpuBackend(MANY);
    private static final CpuBackend CPU1 = new CpuBackend(new Parallel(1));

    @AfterAll
    static void close() {
        MANY.close();
    }

    @ParameterizedTest
    @CsvSource({"1,1,1,1,0,1,0,1", "2,3,5,7,1,2,3,0", "1,2,4,3,0,0,0,0", "3,1,9,1,2,0,0,5"})
    void pad2dMatchesReference(int b, int c, int h, int w, int top, int bottom, int left, int right) {
        Random r = new Random(b * 131 + h * 7 + w);
        // A view with a non-zero offset: the kernel must honour it.
        Tensor big = Ref.randomTensor(r, 1f, b + 1, c, h, w);
        Tensor x = big.slice(1, b + 1);
        Tensor y = CPU.pad2d(x, top, bottom, left, right);
        int ho = top + h + bottom;
        int wo = left + w + right;
        assertArrayEquals(new int[] {b, c, ho, wo}, y.shape());
        for (int bi = 0; bi < b; bi++) {
            for (int ch = 0; ch < c; ch++) {
                for (int yy = 0; yy < ho; yy++) {
                    for (int xx = 0; xx < wo; xx++) {
                        int sy = yy - top;
                        int sx = xx - left;
                        float expected = sy >= 0 && sy < h && sx >= 0 && sx < w ? x.get(bi, ch, sy, sx) : 0f;
                        assertEquals(expected, y.get(bi, ch, yy, xx), 0f, "at " + bi + "," + ch + "," + yy + "," + xx);
                    }
                }
            }
        }
        assertArrayEquals(y.toFloatArray(), CPU1.pad2d(x, top, bottom, left, right).toFloatArray(), 0f);
    }

    @Test
    void pad2dRejectsBadArguments() {
        var err = assertThrows(IllegalArgumentException.class, () -> CPU.pad2d(Tensor.zeros(1, 1, 2, 2), 0, -1, 0, 0));
        assertTrue(err.getMessage().contains("bottom -1"), err.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CPU.pad2d(Tensor.zeros(2, 2, 2), 0, 1, 0, 1));
    }

    @Test
    void clampMatchesReference() {
        Random r = new Random(5);
        Tensor x = Ref.randomTensor(r, 50f, 3, 1001);
        Tensor y = CPU.clamp(x, -30f, 20f);
        for (int i = 0; i < x.size(); i++) {
            float v = x.getFlat(i);
            assertEquals(Math.min(Math.max(v, -30f), 20f), y.getFlat(i), 0f);
        }
        float[] special = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -0f};
        Tensor s = CPU.clamp(Tensor.of(special, 4), -1f, 1f);
        assertTrue(Float.isNaN(s.getFlat(0)));
        assertEquals(-1f, s.getFlat(1));
        assertEquals(1f, s.getFlat(2));
        assertThrows(IllegalArgumentException.class, () -> CPU.clamp(x, 1f, 0f));
    }
}
