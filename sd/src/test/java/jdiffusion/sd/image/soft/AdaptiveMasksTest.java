package jdiffusion.sd.image.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pieces of Soft Inpainting's pixel composite (spec §8 checks 28–30). */
class AdaptiveMasksTest {

    @Test
    void kernelMatchesTheSpecTable() {
        // Values of the webui formula evaluated independently in CPython (math.exp); the spec's
        // 6-decimal table rounds a few of them loosely (0.634490 for 0.6344858, 0.400130 for 0.4001252).
        double[][] k = WeightedHistogramFilter.gaussianKernel(1.5, 2);
        assertEquals(1.0, k[2][2], 1e-15);
        assertEquals(0.6344857616313029, k[2][3], 1e-15);
        assertEquals(0.4001252002973826, k[1][1], 1e-15);
        assertEquals(0.1535092973740992, k[2][0], 1e-15);
        assertEquals(0.09173252411928255, k[1][0], 1e-15);
        assertEquals(0.010441097262885357, k[0][0], 1e-15);
        double sum = 0;
        for (double[] row : k) {
            for (double v : row) {
                sum += v;
            }
        }
        assertEquals(6.528105619216939, sum, 1e-13);
    }

    @Test
    void filterOfAConstantIsTheConstant() {
        float[] img = new float[7 * 5];
        Arrays.fill(img, 0.37f);
        double[][] k = WeightedHistogramFilter.gaussianKernel(1.5, 2);
        for (double[] p : new double[][] {{0.9, 1.0}, {0.25, 0.75}}) {
            float[] out = WeightedHistogramFilter.apply(img, 7, 5, k, p[0], p[1], 1.0);
            for (float v : out) {
                assertEquals(0.37f, v, 0f);
            }
        }
    }

    @Test
    void filterAgainstBruteForceWeightedQuantileMean() {
        // Independent reference: expand each sample into its weight interval and integrate the
        // step function value(position) over the window [lo, hi] numerically (fine grid).
        Random r = new Random(3);
        int w = 6;
        int h = 5;
        float[] img = new float[w * h];
        for (int i = 0; i < img.length; i++) {
            img[i] = r.nextFloat() * 3;
        }
        double[][] k = WeightedHistogramFilter.gaussianKernel(1.5, 2);
        float[] out = WeightedHistogramFilter.apply(img, w, h, k, 0.25, 0.75, 1.0);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double[][] items = new double[25][];
                int n = 0;
                for (int dy = -2; dy <= 2; dy++) {
                    for (int dx = -2; dx <= 2; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                            items[n++] = new double[] {img[yy * w + xx], k[dy + 2][dx + 2]};
                        }
                    }
                }
                double[][] sorted = Arrays.copyOf(items, n);
                Arrays.sort(sorted, (p, q) -> Double.compare(p[0], q[0]));
                double total = 0;
                for (double[] it : sorted) {
                    total += it[1];
                }
                double lo = total * 0.25;
                double hi = total * 0.75;
                int steps = 200000;
                double acc = 0;
                for (int i = 0; i < steps; i++) {
                    double pos = lo + (hi - lo) * (i + 0.5) / steps;
                    double c = 0;
                    for (double[] it : sorted) {
                        c += it[1];
                        if (pos < c) {
                            acc += it[0];
                            break;
                        }
                    }
                }
                assertEquals(acc / steps, out[y * w + x], 1e-4, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void maskScalarWithoutInfluenceIsHalfOverHalf() {
        float[] ms = AdaptiveMasks.maskScalar(new float[] {0f, 0.4f, 1f}, new SoftInpaintSettings(1, 0.5, 4, 0, 0.5, 2));
        for (float v : ms) {
            assertEquals(0.5f / (1.00001f - 0.5f), v, 0f);
        }
        // Opacity at dist = τ·ms is 0.5 → g = 0.5 → Q = 127.
        assertEquals(0.5f, 1 - AdaptiveMasks.smootherstep(0.5f), 0f);
        assertEquals(127, (int) (255f * (1 - AdaptiveMasks.smootherstep(1 / (1 + (float) Math.pow(1f, 2f))))));
    }
}
