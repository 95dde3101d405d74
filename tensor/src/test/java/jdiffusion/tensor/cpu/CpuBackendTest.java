package jdiffusion.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import jdiffusion.tensor.Activation;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Ref;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Every CPU backend operation against the double-precision reference, on odd sizes and tails. */
class CpuBackendTest {
    private static final Parallel ONE = new Parallel(1);
    private static final Parallel MANY = new Parallel(3);
    private static final CpuBackend CPU = new CpuBackend(MANY);
    private static final CpuBackend CPU1 = new CpuBackend(ONE);

    @AfterAll
    static void close() {
        ONE.close();
        MANY.close();
    }

    private static void assertClose(double[] expected, Tensor actual, double tol, String what) {
        double err = Ref.maxAbsDiff(actual.array(), actual.offset(), expected);
        assertTrue(err <= tol * Math.max(1, Ref.maxAbs(expected)), what + ": max error " + err);
    }

    private static void assertSameBits(Tensor a, Tensor b) {
        assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f, "1 thread vs 3 threads");
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "7,5,3", "33,17,65", "64,64,64", "130,77,41"})
    void linearMatchesReference(int m, int n, int k) {
        Random r = new Random(m * 31 + n);
        Tensor x = Ref.randomTensor(r, 1f, m, k);
        Tensor w = Ref.randomTensor(r, 0.5f, n, k);
        Tensor b = Ref.randomTensor(r, 1f, n);
        Tensor y = CPU.linear(x, w, b);
        double[] ref = Ref.gemm(m, n, k, x.array(), false, w.array(), true);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                ref[i * n + j] += b.array()[j];
            }
        }
        assertClose(ref, y, 1e-5, "linear");
        assertSameBits(y, CPU1.linear(x, w, b));
    }

    @Test
    void linearReadsF16WeightsInPlace() {
        Random r = new Random(5);
        int n = 19;
        int k = 23;
        float[] wf = Ref.random(r, n * k, 1f);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(2L * n * k);
            var le = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n * k; i++) {
                short h = Float.floatToFloat16(wf[i]);
                seg.setAtIndex(le, i, h);
                wf[i] = Float.float16ToFloat(h);
            }
            Tensor w16 = Tensor.wrap(seg, DType.F16, n, k);
            Tensor x = Ref.randomTensor(r, 1f, 3, 5, k);
            Tensor y = CPU.linear(x, w16, null);
            assertArrayEquals(new int[] {3, 5, n}, y.shape());
            assertClose(Ref.gemm(15, n, k, x.array(), false, wf, true), y, 1e-5, "f16 linear");
        }
    }

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void matmulBatchedAndShared(boolean transB) {
        Random r = new Random(11);
        int m = 9;
        int k = 13;
        int n = 10;
        Tensor a = Ref.randomTensor(r, 1f, 2, m, k);
        Tensor b = transB ? Ref.randomTensor(r, 1f, 2, n, k) : Ref.randomTensor(r, 1f, 2, k, n);
        Tensor c = CPU.matmul(a, b, transB);
        for (int i = 0; i < 2; i++) {
            float[] ai = a.slice(i, i + 1).toFloatArray();
            float[] bi = b.slice(i, i + 1).toFloatArray();
            double[] ref = Ref.gemm(m, n, k, ai, false, bi, transB);
            assertClose(ref, c.slice(i, i + 1), 1e-5, "batched matmul " + i);
        }
        Tensor shared = CPU.matmul(a, b.slice(0, 1).reshape(b.dim(1), b.dim(2)), transB);
        double[] ref = Ref.gemm(m, n, k, a.slice(1, 2).toFloatArray(), false, b.slice(0, 1).toFloatArray(), transB);
        assertClose(ref, shared.slice(1, 2), 1e-5, "shared-B matmul");
    }

    @ParameterizedTest
    @CsvSource({"1,3,5,5,4,3,1,1", "2,5,9,7,6,3,2,1", "1,8,6,10,3,1,1,0", "2,4,11,13,5,3,2,1", "1,3,4,4,2,3,1,0"})
    void conv2dMatchesReference(int b, int c, int h, int w, int o, int k, int stride, int pad) {
        Random r = new Random(b + c * 7 + h * 13);
        Tensor x = Ref.randomTensor(r, 1f, b, c, h, w);
        Tensor wt = Ref.randomTensor(r, 0.5f, o, c, k, k);
        Tensor bias = Ref.randomTensor(r, 1f, o);
        Tensor y = CPU.conv2d(x, wt, bias, stride, pad);
        double[] ref = Ref.conv2d(x.array(), b, c, h, w, wt.array(), o, k, k, bias.array(), stride, pad);
        assertEquals(ref.length, y.size());
        assertClose(ref, y, 1e-5, "conv2d");
        assertSameBits(y, CPU1.conv2d(x, wt, bias, stride, pad));
    }

    @ParameterizedTest
    @CsvSource({"2,32,37,32,1e-5,true", "1,64,9,8,1e-6,false", "3,6,1,3,1e-5,true"})
    void groupNormMatchesReference(int b, int c, int spatial, int groups, float eps, boolean silu) {
        Random r = new Random(c * 3 + spatial);
        Tensor x = Ref.randomTensor(r, 3f, b, c, spatial);
        for (int i = 0; i < x.size(); i++) {
            x.array()[i] += 0.7f; // a non-zero mean
        }
        Tensor g = Ref.randomTensor(r, 2f, c);
        Tensor be = Ref.randomTensor(r, 1f, c);
        Tensor y = CPU.groupNorm(x, groups, g, be, eps, silu);
        assertClose(Ref.groupNorm(x.array(), b, c, spatial, groups, g.array(), be.array(), eps, silu), y, 2e-6, "groupNorm");
        assertSameBits(y, CPU1.groupNorm(x, groups, g, be, eps, silu));
        if (silu) {
            // The fused normalise+SiLU pass gives the bits of GroupNorm followed by a separate SiLU.
            Tensor twoPass = CPU.activationInPlace(CPU.groupNorm(x, groups, g, be, eps, false), Activation.SILU);
            assertSameBits(twoPass, y);
        }
    }

    @Test
    void layerNormAndSoftmax() {
        Random r = new Random(3);
        Tensor x = Ref.randomTensor(r, 4f, 3, 7, 77);
        Tensor g = Ref.randomTensor(r, 1f, 77);
        Tensor b = Ref.randomTensor(r, 1f, 77);
        assertClose(Ref.layerNorm(x.array(), 77, g.array(), b.array(), 1e-5), CPU.layerNorm(x, g, b, 1e-5f), 2e-6, "layerNorm");
        Tensor s = CPU.softmax(x);
        double[] ref = new double[x.size()];
        for (int row = 0; row < x.size() / 77; row++) {
            double sum = 0;
            for (int i = 0; i < 77; i++) {
                sum += Math.exp(x.array()[row * 77 + i]);
            }
            for (int i = 0; i < 77; i++) {
                ref[row * 77 + i] = Math.exp(x.array()[row * 77 + i]) / sum;
            }
        }
        assertClose(ref, s, 1e-6, "softmax");
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activationsMatchReference(Activation act) {
        Random r = new Random(act.ordinal());
        Tensor x = Ref.randomTensor(r, 8f, 1001);
        x.array()[0] = 0f;
        x.array()[1] = -30f;
        x.array()[2] = 30f;
        Tensor y = CPU.activation(x, act);
        double[] ref = new double[x.size()];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = Ref.activation(act, x.array()[i]);
        }
        assertClose(ref, y, 1e-6, act.name());
    }

    @Test
    void gegluSplitsValueAndGate() {
        Random r = new Random(9);
        Tensor x = Ref.randomTensor(r, 3f, 2, 5, 2 * 19);
        Tensor y = CPU.geglu(x);
        double[] ref = new double[2 * 5 * 19];
        for (int row = 0; row < 10; row++) {
            for (int i = 0; i < 19; i++) {
                ref[row * 19 + i] = x.array()[row * 38 + i] * Ref.activation(Activation.GELU, x.array()[row * 38 + 19 + i]);
            }
        }
        assertClose(ref, y, 1e-6, "geglu");
    }

    @ParameterizedTest
    @CsvSource({"2,17,17,1,8,8,false", "1,33,77,8,5,5,false", "2,9,9,2,16,12,true", "1,100,7,3,40,40,false"})
    void attentionMatchesReference(int b, int lq, int lk, int heads, int d, int dv, boolean causal) {
        Random r = new Random(lq * 100 + lk);
        Tensor q = Ref.randomTensor(r, 2f, b, lq, heads * d);
        Tensor k = Ref.randomTensor(r, 2f, b, lk, heads * d);
        Tensor v = Ref.randomTensor(r, 1f, b, lk, heads * dv);
        Tensor y = CPU.attention(q, k, v, heads, causal);
        assertClose(Ref.attention(q.array(), k.array(), v.array(), b, lq, lk, heads, d, dv, causal), y, 2e-6, "attention");
        assertSameBits(y, CPU1.attention(q, k, v, heads, causal));
    }

    @Test
    void broadcastingAddAndMul() {
        Random r = new Random(1);
        Tensor a = Ref.randomTensor(r, 1f, 2, 3, 4, 5);
        Tensor ch = Ref.randomTensor(r, 1f, 2, 3, 1, 1);
        Tensor row = Ref.randomTensor(r, 1f, 5);
        Tensor sum = CPU.add(a, ch);
        Tensor prod = CPU.mul(a, row);
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 5; x++) {
                        assertEquals(a.get(i, c, y, x) + ch.get(i, c, 0, 0), sum.get(i, c, y, x));
                        assertEquals(a.get(i, c, y, x) * row.get(x), prod.get(i, c, y, x));
                    }
                }
            }
        }
        Tensor left = CPU.add(ch, a); // broadcasting from the other side
        assertArrayEquals(sum.array(), left.array(), 0f);
        Tensor copy = a.copy();
        CPU.addInPlace(copy, ch);
        assertArrayEquals(sum.array(), copy.array(), 0f);
        assertThrows(IllegalArgumentException.class, () -> CPU.add(a, Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> CPU.addInPlace(ch, a));
    }

    @Test
    void layoutOps() {
        Random r = new Random(2);
        Tensor a = Ref.randomTensor(r, 1f, 2, 3, 4);
        Tensor b = Ref.randomTensor(r, 1f, 2, 5, 4);
        Tensor c = CPU.concat(1, a, b);
        assertArrayEquals(new int[] {2, 8, 4}, c.shape());
        assertEquals(a.get(1, 2, 3), c.get(1, 2, 3));
        assertEquals(b.get(1, 4, 0), c.get(1, 7, 0));
        Tensor n = CPU.narrow(c, 1, 3, 5);
        assertArrayEquals(b.array(), n.array(), 0f);
        Tensor p = CPU.permute(a, 2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertEquals(a.get(1, 2, 3), p.get(3, 1, 2));
        Tensor img = Ref.randomTensor(r, 1f, 1, 2, 3, 5);
        Tensor up = CPU.upsampleNearest2x(img);
        assertArrayEquals(new int[] {1, 2, 6, 10}, up.shape());
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 10; x++) {
                assertEquals(img.get(0, 1, y / 2, x / 2), up.get(0, 1, y, x));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> CPU.permute(a, 0, 0, 1));
    }

    @Test
    void embeddingsAndTimesteps() {
        Tensor table = Tensor.of(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        Tensor ids = Tensor.of(new float[] {2, 0, 1}, 3);
        Tensor e = CPU.embedding(table, ids);
        assertArrayEquals(new float[] {20, 21, 0, 1, 10, 11}, e.array());
        var err = assertThrows(IllegalArgumentException.class, () -> CPU.embedding(table, Tensor.of(new float[] {3}, 1)));
        assertTrue(err.getMessage().contains("id 3"), err.getMessage());

        Tensor t = Tensor.of(new float[] {999f, 0.5f}, 2);
        Tensor emb = CPU.timestepEmbedding(t, 8, true, 0f, 10000f);
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 4; k++) {
                double f = Math.exp(-Math.log(10000) * k / 4);
                assertEquals(Math.cos(t.get(i) * f), emb.get(i, k), 2e-4);
                assertEquals(Math.sin(t.get(i) * f), emb.get(i, 4 + k), 2e-4);
            }
        }
    }
}
