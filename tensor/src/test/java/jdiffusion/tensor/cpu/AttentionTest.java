package jdiffusion.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Ref;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Blockwise (online-softmax) attention against the double-precision full-matrix softmax: several
 * query and key blocks with ragged tails, causal masks crossing block boundaries, head sizes that
 * are not whole vectors, dv ≠ d, large logits (the running max must rescale earlier blocks), and
 * the same bits for 1, 2 and 3 threads.
 */
class AttentionTest {
    private static final Parallel ONE = new Parallel(1);
    private static final Parallel TWO = new Parallel(2);
    private static final Parallel THREE = new Parallel(3);

    @AfterAll
    static void close() {
        ONE.close();
        TWO.close();
        THREE.close();
    }

    private static float[] run(Parallel par, int b, int lq, int lk, int heads, int d, int dv,
                               float[] q, float[] k, float[] v, boolean causal) {
        float[] out = new float[b * lq * heads * dv];
        Attention.attention(par, b, lq, lk, heads, d, dv, q, k, v, (float) (1.0 / Math.sqrt(d)), causal, out);
        return out;
    }

    @ParameterizedTest
    @CsvSource({
        "1,70,300,2,40,40,false,2", "2,33,77,3,13,9,false,2", "1,150,150,2,16,24,true,2", "1,257,129,1,8,64,false,2",
        "1,40,260,2,40,40,false,12", "1,200,200,1,40,40,true,12", "2,1,5,2,3,3,false,1"})
    void matchesFullSoftmax(int b, int lq, int lk, int heads, int d, int dv, boolean causal, float qScale) {
        Random r = new Random(lq * 1000L + lk * 7L + d);
        float[] q = Ref.random(r, b * lq * heads * d, qScale);
        float[] k = Ref.random(r, b * lk * heads * d, 2f);
        float[] v = Ref.random(r, b * lk * heads * dv, 1f);
        float[] y = run(THREE, b, lq, lk, heads, d, dv, q, k, v, causal);
        double[] ref = Ref.attention(q, k, v, b, lq, lk, heads, d, dv, causal);
        double err = Ref.maxAbsDiff(y, 0, ref);
        // Outputs are convex combinations of values in [-1, 1); logits up to ~|q|·|k|·√d.
        assertTrue(err <= 2e-6 * Math.max(1, qScale * 2 * Math.sqrt(d)), "max error " + err);
        assertArrayEquals(y, run(ONE, b, lq, lk, heads, d, dv, q, k, v, causal), 0f, "1 vs 3 threads");
        assertArrayEquals(y, run(TWO, b, lq, lk, heads, d, dv, q, k, v, causal), 0f, "2 vs 3 threads");
        // Without the per-head key/value cache (the path for very long sequences): same arithmetic.
        float[] uncached = new float[y.length];
        Attention.attention(TWO, b, lq, lk, heads, d, dv, q, k, v, (float) (1.0 / Math.sqrt(d)), causal, uncached, 0);
        assertArrayEquals(y, uncached, 0f, "per-block packing vs cached head");
    }
}
