package jdiffusion.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import jdiffusion.tensor.ArrayStorage;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Half;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Ref;
import jdiffusion.tensor.SegmentStorage;
import jdiffusion.tensor.Storage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The blocked SGEMM against a double-precision reference: sizes that are not multiples of the
 * micro-tile (MR x NR), several K blocks, several N panels, the small-M path (m ≤ 320, per-task B
 * packing) and the shared-B path, both transposes, f16/bf16 weights; and the same bits for 1, 2 and
 * 3 threads.
 */
class GemmTest {
    private static final Parallel ONE = new Parallel(1);
    private static final Parallel TWO = new Parallel(2);
    private static final Parallel THREE = new Parallel(3);

    @AfterAll
    static void close() {
        ONE.close();
        TWO.close();
        THREE.close();
    }

    /** |C - ref| per element, relative to Σ|a·b| of that element (the scale rounding errors grow with). */
    private static void assertClose(int m, int n, int k, float[] a, boolean transA, float[] b, boolean transB,
                                    float[] c0, float[] c, String what) {
        double[] ref = Ref.gemm(m, n, k, a, transA, b, transB);
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double mag = c0 == null ? 0 : Math.abs(c0[i * n + j]);
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * m + i] : a[i * k + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    mag += Math.abs(av * bv);
                }
                double expect = ref[i * n + j] + (c0 == null ? 0 : c0[i * n + j]);
                double err = Math.abs(c[i * n + j] - expect) / Math.max(mag, 1e-30);
                worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
            }
        }
        assertTrue(worst <= 2e-6, what + ": worst relative error " + worst);
    }

    private static float[] run(Parallel par, int m, int n, int k, float[] a, boolean transA, Storage b,
                               boolean transB, float[] c0) {
        float[] c = c0 == null ? new float[m * n] : c0.clone();
        if (c0 == null) {
            java.util.Arrays.fill(c, Float.NaN); // overwrite mode must not read C
        }
        Gemm.gemm(par, m, n, k, a, 0, transA ? m : k, transA, b, 0, transB, c, 0, n, c0 != null);
        return c;
    }

    @ParameterizedTest
    @CsvSource({
        "1,1,1", "7,5,3", "9,33,17", "8,32,64", "65,70,300", "300,47,513", "333,47,1300", "257,100,1100", "3,2100,10",
        "130,64,1025", "520,40,9"})
    void matchesReferenceAllTransposes(int m, int n, int k) {
        Random r = new Random(m * 7919L + n * 31L + k);
        float[] a = Ref.random(r, m * k, 1f);
        float[] b = Ref.random(r, k * n, 1f);
        for (int t = 0; t < 4; t++) {
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            String what = m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB;
            float[] c1 = run(ONE, m, n, k, a, transA, new ArrayStorage(b), transB, null);
            assertClose(m, n, k, a, transA, b, transB, null, c1, what);
            assertArrayEquals(c1, run(TWO, m, n, k, a, transA, new ArrayStorage(b), transB, null), 0f, what + " 2 threads");
            assertArrayEquals(c1, run(THREE, m, n, k, a, transA, new ArrayStorage(b), transB, null), 0f, what + " 3 threads");
        }
    }

    @ParameterizedTest
    @CsvSource({"5,37,19", "260,70,600", "330,70,1300"})
    void accumulatesIntoC(int m, int n, int k) {
        Random r = new Random(3);
        float[] a = Ref.random(r, m * k, 1f);
        float[] b = Ref.random(r, k * n, 1f);
        float[] c0 = Ref.random(r, m * n, 4f);
        float[] c = run(THREE, m, n, k, a, false, new ArrayStorage(b), true, c0);
        assertClose(m, n, k, a, false, b, true, c0, c, "accumulate");
        assertArrayEquals(c, run(ONE, m, n, k, a, false, new ArrayStorage(b), true, c0), 0f, "1 vs 3 threads");
    }

    @ParameterizedTest
    @CsvSource({"F16,true,340", "F16,false,340", "BF16,true,340", "BF16,false,340", "F32,true,340", "F32,false,340",
        "F16,true,40", "BF16,false,40", "F32,true,40"})
    void convertsMappedWeightsWhilePacking(DType dtype, boolean transB, int m) {
        Random r = new Random(dtype.ordinal() * 2 + (transB ? 1 : 0) + m);
        int n = 145;
        int k = 530;
        float[] a = Ref.random(r, m * k, 1f);
        float[] b = Ref.random(r, k * n, 1f);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate((long) k * n * dtype.byteSize());
            var i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            var f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < b.length; i++) {
                switch (dtype) {
                    case F16 -> {
                        short h = Float.floatToFloat16(b[i]);
                        seg.setAtIndex(i16, i, h);
                        b[i] = Float.float16ToFloat(h);
                    }
                    case BF16 -> {
                        short h = Half.floatToBf16(b[i]);
                        seg.setAtIndex(i16, i, h);
                        b[i] = Half.bf16ToFloat(h);
                    }
                    default -> seg.setAtIndex(f32, i, b[i]);
                }
            }
            Storage s = new SegmentStorage(seg, dtype, (long) k * n);
            float[] c = run(THREE, m, n, k, a, false, s, transB, null);
            assertClose(m, n, k, a, false, b, transB, null, c, dtype + " weights");
            assertArrayEquals(c, run(ONE, m, n, k, a, false, s, transB, null), 0f, "1 vs 3 threads");
            // The same values from a heap array give the same bits: conversion is exact.
            assertArrayEquals(c, run(ONE, m, n, k, a, false, new ArrayStorage(b), transB, null), 0f, "segment vs array");
        }
    }

    @Test
    void respectsOffsetsAndLeadingDimensions() {
        Random r = new Random(17);
        int m = 11;
        int n = 35;
        int k = 13;
        int lda = k + 4;
        int ldc = n + 3;
        float[] aBig = Ref.random(r, 5 + m * lda, 1f);
        float[] bBig = Ref.random(r, 7 + k * n, 1f);
        float[] c = Ref.random(r, 2 + m * ldc, 1f);
        float[] before = c.clone();
        Gemm.gemm(THREE, m, n, k, aBig, 5, lda, false, new ArrayStorage(bBig), 7, false, c, 2, ldc, false);
        float[] a = new float[m * k];
        for (int i = 0; i < m; i++) {
            System.arraycopy(aBig, 5 + i * lda, a, i * k, k);
        }
        float[] b = java.util.Arrays.copyOfRange(bBig, 7, 7 + k * n);
        float[] got = new float[m * n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(c, 2 + i * ldc, got, i * n, n);
            for (int j = n; j < ldc && 2 + i * ldc + j < c.length; j++) {
                assertTrue(c[2 + i * ldc + j] == before[2 + i * ldc + j], "wrote outside C at row " + i + " col " + j);
            }
        }
        assertTrue(c[0] == before[0] && c[1] == before[1], "wrote before C's offset");
        assertClose(m, n, k, a, false, b, false, null, got, "offsets");
    }
}
