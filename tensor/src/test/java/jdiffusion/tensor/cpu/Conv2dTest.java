package jdiffusion.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import jdiffusion.tensor.ArrayStorage;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Ref;
import jdiffusion.tensor.SegmentStorage;
import jdiffusion.tensor.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Implicit-GEMM convolution against the direct double-precision sum: 3x3 stride 1/2 with padding
 * 1 (and 0), 1x1, image widths that split output rows across GEMM slivers, C·9 spanning several K
 * blocks, more pixels than one N panel, f16 weights; 1 vs 3 threads give the same bits.
 */
class Conv2dTest {
    private static final Parallel ONE = new Parallel(1);
    private static final Parallel THREE = new Parallel(3);

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    private static float[] conv(Parallel par, float[] x, int b, int c, int h, int w, jdiffusion.tensor.Storage wt,
                                int o, int k, float[] bias, int stride, int pad) {
        int ho = (h + 2 * pad - k) / stride + 1;
        int wo = (w + 2 * pad - k) / stride + 1;
        float[] out = new float[b * o * ho * wo];
        java.util.Arrays.fill(out, Float.NaN);
        Conv2d.conv2d(par, x, b, c, h, w, wt, 0, o, k, k, bias, stride, pad, out);
        return out;
    }

    private static void check(int b, int c, int h, int w, int o, int k, int stride, int pad, boolean withBias) {
        Random r = new Random(b * 31 + c * 7 + h * 13 + w + o * 101 + k + stride * 3 + pad);
        float[] x = Ref.random(r, b * c * h * w, 1f);
        float[] wt = Ref.random(r, o * c * k * k, 0.5f);
        float[] bias = withBias ? Ref.random(r, o, 1f) : null;
        float[] y = conv(THREE, x, b, c, h, w, new ArrayStorage(wt), o, k, bias, stride, pad);
        double[] ref = Ref.conv2d(x, b, c, h, w, wt, o, k, k, bias, stride, pad);
        double err = Ref.maxAbsDiff(y, 0, ref);
        // Inputs are in [-1, 1), weights in [-0.5, 0.5): each output sums c·k² products below 0.5.
        assertTrue(err <= 2e-6 * c * k * k * 0.5 + 1e-6, "conv " + b + "x" + c + "x" + h + "x" + w + " -> " + o
                + " k" + k + " s" + stride + " p" + pad + ": max error " + err);
        assertArrayEquals(y, conv(ONE, x, b, c, h, w, new ArrayStorage(wt), o, k, bias, stride, pad), 0f, "1 vs 3 threads");
    }

    @ParameterizedTest
    @CsvSource({
        "1,3,5,5,4,3,1,1", "2,5,9,7,6,3,2,1", "1,64,13,37,10,3,1,1", "1,70,20,19,33,3,2,1", "2,16,9,11,7,3,2,0",
        "1,8,6,10,3,1,1,0", "2,300,7,9,19,1,1,0", "1,4,50,47,9,3,1,1", "1,3,1,1,5,3,1,1"})
    void matchesDirectSum(int b, int c, int h, int w, int o, int k, int stride, int pad) {
        check(b, c, h, w, o, k, stride, pad, true);
    }

    @Test
    void withoutBias() {
        check(1, 6, 8, 9, 5, 3, 1, 1, false);
    }

    @Test
    void f16WeightsReadInPlace() {
        Random r = new Random(9);
        int c = 12;
        int o = 37;
        int h = 10;
        int w = 9;
        float[] x = Ref.random(r, c * h * w, 1f);
        float[] wt = Ref.random(r, o * c * 9, 0.5f);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(2L * wt.length);
            var le = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < wt.length; i++) {
                short s = Float.floatToFloat16(wt[i]);
                seg.setAtIndex(le, i, s);
                wt[i] = Float.float16ToFloat(s);
            }
            float[] y = conv(THREE, x, 1, c, h, w, new SegmentStorage(seg, DType.F16, wt.length), o, 3, null, 1, 1);
            assertArrayEquals(conv(ONE, x, 1, c, h, w, new ArrayStorage(wt), o, 3, null, 1, 1), y, 0f,
                    "f16 weights vs the same values as f32");
            assertTrue(Ref.maxAbsDiff(y, 0, Ref.conv2d(x, 1, c, h, w, wt, o, 3, 3, null, 1, 1)) < 1e-5, "f16 conv");
        }
    }
}
