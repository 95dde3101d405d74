package jdiffusion.sd.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Emphasis modes against spec §3.4 / §10 and a plain double-precision reference. */
class EmphasisTest {

    @Test
    void specExampleOriginal() {
        float[] z = {1, 2, 3, 4}; // 1 text, 2 positions, 2 channels
        Emphasis.ORIGINAL.apply(z, 1, 2, 2, new float[][] {{1, 2}});
        assertArrayEquals(new float[] {0.588235f, 1.176471f, 3.529412f, 4.705882f}, z, 1e-6f);
    }

    @Test
    void noNormOnlyMultiplies() {
        float[] z = {1, 2, 3, 4};
        Emphasis.NO_NORM.apply(z, 1, 2, 2, new float[][] {{1, 2}});
        assertArrayEquals(new float[] {1, 2, 6, 8}, z);
        float[] y = {1, 2, 3, 4};
        Emphasis.IGNORE.apply(y, 1, 2, 2, new float[][] {{1, 2}});
        assertArrayEquals(new float[] {1, 2, 3, 4}, y);
    }

    @Test
    void allOnesIsBitIdentical() {
        Random r = new Random(3);
        float[] z = new float[2 * 5 * 7];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        float[] before = z.clone();
        float[][] w = new float[2][5];
        for (float[] row : w) {
            java.util.Arrays.fill(row, 1f);
        }
        Emphasis.ORIGINAL.apply(z, 2, 5, 7, w);
        assertArrayEquals(before, z);
    }

    @Test
    void originalMatchesDoubleReferenceOnRandomBatch() {
        Random r = new Random(11);
        int n = 3;
        int t = 9;
        int c = 13;
        float[] z = new float[n * t * c];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (r.nextGaussian() + 0.3);
        }
        float[][] w = new float[n][t];
        for (float[] row : w) {
            for (int i = 0; i < t; i++) {
                row[i] = (float) (0.5 + r.nextDouble());
            }
        }
        double m0 = 0;
        for (float v : z) {
            m0 += v;
        }
        m0 /= z.length;
        double[] ref = new double[z.length];
        double m1 = 0;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < t; i++) {
                for (int k = 0; k < c; k++) {
                    int idx = (b * t + i) * c + k;
                    ref[idx] = z[idx] * (double) w[b][i];
                    m1 += ref[idx];
                }
            }
        }
        m1 /= z.length;
        Emphasis.ORIGINAL.apply(z, n, t, c, w);
        double maxErr = 0;
        double newMean = 0;
        for (int i = 0; i < z.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(z[i] - ref[i] * (m0 / m1)));
            newMean += z[i];
        }
        assertEquals(0, maxErr, 2e-6);
        assertEquals(m0, newMean / z.length, 1e-6, "mean restored over the whole batch");
    }

    @Test
    void infotextEntry() {
        assertEquals(java.util.Optional.empty(), Emphasis.ORIGINAL.infotextValue(java.util.List.of("(a)")));
        assertEquals(java.util.Optional.of("No norm"), Emphasis.NO_NORM.infotextValue(java.util.List.of("x", "[a]")));
        assertEquals(java.util.Optional.empty(), Emphasis.IGNORE.infotextValue(java.util.List.of("plain")));
    }

    @Test
    void labels() {
        assertEquals(Emphasis.NO_NORM, Emphasis.fromLabel("No norm"));
        assertEquals(Emphasis.ORIGINAL, Emphasis.fromLabel("original"));
        assertEquals("No norm", Emphasis.NO_NORM.label());
    }
}
