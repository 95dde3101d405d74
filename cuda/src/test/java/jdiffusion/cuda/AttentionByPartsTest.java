package jdiffusion.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * The matmul/softmax attention (used on the GPU for head sizes above 256) on the CPU backend,
 * against a double-precision softmax(q·kᵀ/√d)·v, with odd sizes, several heads, Dv ≠ D and
 * query-row blocks with a tail.
 */
class AttentionByPartsTest {
    private static final CpuBackend CPU = new CpuBackend();

    private static Tensor random(SplittableRandom r, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble(-1, 1) + 0.1);
        }
        return Tensor.of(a, shape);
    }

    // q: [B, Lq, H·D], k: [B, Lk, H·D], v: [B, Lk, H·Dv] -> [B, Lq, H·Dv] in double
    private static double[] reference(Tensor q, Tensor k, Tensor v, int heads) {
        int b = q.dim(0);
        int lq = q.dim(1);
        int lk = k.dim(1);
        int d = q.dim(2) / heads;
        int dv = v.dim(2) / heads;
        float[] qa = q.toFloatArray();
        float[] ka = k.toFloatArray();
        float[] va = v.toFloatArray();
        double[] out = new double[b * lq * heads * dv];
        double[] s = new double[lk];
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < lq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lk; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += (double) qa[(bi * lq + i) * heads * d + h * d + c] * ka[(bi * lk + j) * heads * d + h * d + c];
                        }
                        s[j] = dot / Math.sqrt(d);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < lk; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int c = 0; c < dv; c++) {
                        double acc = 0;
                        for (int j = 0; j < lk; j++) {
                            acc += s[j] * va[(bi * lk + j) * heads * dv + h * dv + c];
                        }
                        out[(bi * lq + i) * heads * dv + h * dv + c] = acc / sum;
                    }
                }
            }
        }
        return out;
    }

    private static void check(int b, int lq, int lk, int heads, int d, int dv, long maxScores) {
        SplittableRandom r = new SplittableRandom(31L * lq + lk);
        Tensor q = random(r, b, lq, heads * d);
        Tensor k = random(r, b, lk, heads * d);
        Tensor v = random(r, b, lk, heads * dv);
        Tensor o = AttentionByParts.attention(CPU, q, k, v, heads, maxScores);
        assertArrayEquals(new int[] {b, lq, heads * dv}, o.shape());
        double[] ref = reference(q, k, v, heads);
        float[] got = o.toFloatArray();
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - ref[i]) / (1 + Math.abs(ref[i])));
        }
        assertTrue(worst < 2e-6, "max error " + worst + " for b=" + b + " lq=" + lq + " lk=" + lk + " heads=" + heads);
    }

    @Test
    void singleHeadWideAsTheVae() {
        check(1, 37, 53, 1, 300, 300, Long.MAX_VALUE);
    }

    @Test
    void severalHeadsAndValueWidthDiffersFromKeyWidth() {
        check(2, 23, 19, 3, 17, 11, Long.MAX_VALUE);
    }

    @Test
    void queryRowBlocksWithATail() {
        // 2·3·19 scores per query row, at most 10 rows per block: blocks of 10, 10, 3
        check(2, 23, 19, 3, 17, 11, 2L * 3 * 19 * 10);
        check(1, 37, 53, 1, 9, 9, 53L * 4);
    }
}
