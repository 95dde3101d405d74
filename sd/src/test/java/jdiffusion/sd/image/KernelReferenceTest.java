package jdiffusion.sd.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each fixed-point kernel against a plain double-precision evaluation of its definition on random
 * inputs of odd sizes: resampling and the box blur agree within the 1-unit rounding of their
 * fixed-point weights; the OpenCV blur is integer arithmetic and agrees exactly.
 */
class KernelReferenceTest {
    private static Image random(int w, int h, Mode mode, long seed) {
        Random r = new Random(seed);
        Image im = Image.blank(w, h, mode);
        r.nextBytes(im.data());
        return im;
    }

    /** Separable resample in double: weights from the filter, normalised; uint8 after each pass. */
    private static Image referenceResize(Image im, int w, int h, Resample.Filter f) {
        Image tmp = Image.blank(w, im.height(), im.mode());
        double[][] wx = weights(im.width(), w, f);
        int n = im.bands();
        for (int y = 0; y < im.height(); y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < n; c++) {
                    double acc = 0;
                    for (int i = 0; i < im.width(); i++) {
                        acc += wx[x][i] * im.get(i, y, c);
                    }
                    tmp.set(x, y, c, (int) Math.max(0, Math.min(255, Math.floor(acc + 0.5))));
                }
            }
        }
        Image out = Image.blank(w, h, im.mode());
        double[][] wy = weights(im.height(), h, f);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < n; c++) {
                    double acc = 0;
                    for (int i = 0; i < im.height(); i++) {
                        acc += wy[y][i] * tmp.get(x, i, c);
                    }
                    out.set(x, y, c, (int) Math.max(0, Math.min(255, Math.floor(acc + 0.5))));
                }
            }
        }
        return out;
    }

    private static double[][] weights(int in, int out, Resample.Filter f) {
        double scale = (double) in / out;
        double fs = Math.max(1, scale);
        double[][] w = new double[out][in];
        for (int o = 0; o < out; o++) {
            double centre = (o + 0.5) * scale;
            double sum = 0;
            for (int i = 0; i < in; i++) {
                // Pixel i covers [i, i+1): its centre is i + 0.5.
                double d = (i + 0.5 - centre) / fs;
                double v = Math.abs(d) < f.support ? f.weight(d) : 0;
                w[o][i] = v;
                sum += v;
            }
            for (int i = 0; i < in; i++) {
                w[o][i] /= sum;
            }
        }
        return w;
    }

    @Test
    void resampleWithinOneOfDoubleReference() {
        int[][] sizes = {{31, 17, 9, 5}, {13, 11, 40, 29}, {45, 7, 20, 23}};
        for (Resample.Filter f : new Resample.Filter[] {Resample.Filter.BILINEAR, Resample.Filter.HAMMING,
                Resample.Filter.BICUBIC, Resample.Filter.LANCZOS}) {
            for (int[] s : sizes) {
                Image in = random(s[0], s[1], Mode.RGB, s[0] * 31L + s[1]);
                Image got = Resample.resize(in, s[2], s[3], f);
                Image ref = referenceResize(in, s[2], s[3], f);
                int max = 0;
                for (int i = 0; i < got.data().length; i++) {
                    max = Math.max(max, Math.abs((got.data()[i] & 0xff) - (ref.data()[i] & 0xff)));
                }
                // Intermediate rounding may differ by one, which the second pass can carry: ≤ 2.
                assertTrue(max <= 2, f + " " + s[0] + "x" + s[1] + " -> " + s[2] + "x" + s[3] + ": max |d| " + max);
            }
        }
    }

    @Test
    void fixedPointWeightsSumToOneAndFollowRoundHalfAway() {
        Resample.Coeffs c = Resample.coefficients(600, 0, 600, 341, Resample.Filter.LANCZOS);
        for (int o = 0; o < 341; o++) {
            long sum = 0;
            for (int i = 0; i < c.count()[o]; i++) {
                sum += c.k()[o * c.ksize() + i];
            }
            assertTrue(Math.abs(sum - (1L << 22)) <= c.count()[o], "taps of output " + o + " sum to " + sum);
        }
        // Zero-height box: taps 9/8 and -1/8 exactly.
        Resample.Coeffs z = Resample.coefficients(10, 0, 0, 3, Resample.Filter.BICUBIC);
        assertEquals(2, z.count()[0]);
        assertEquals(4718592, z.k()[0]);
        assertEquals(-524288, z.k()[1]);
    }

    @Test
    void boxBlurSinglePassWithinOneOfDoubleReference() {
        for (float radius : new float[] {0.25f, 1.375f, 3.4375f, 6.7f}) {
            for (int len : new int[] {1, 2, 5, 17}) {
                Image in = random(len, 3, Mode.L, len * 7L);
                int k = (int) radius;
                double wIn = 1 / (2.0 * radius + 1);
                double wEdge = (radius - k) / (2.0 * radius + 1);
                // Rows first, then columns of the rounded row result.
                Image rows = Image.blank(len, 3, Mode.L);
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < len; x++) {
                        double acc = 0;
                        for (int j = -k; j <= k; j++) {
                            acc += wIn * in.get(Math.max(0, Math.min(len - 1, x + j)), y, 0);
                        }
                        acc += wEdge * (in.get(Math.max(0, x - k - 1), y, 0) + in.get(Math.min(len - 1, x + k + 1), y, 0));
                        rows.set(x, y, 0, (int) Math.floor(acc + 0.5));
                    }
                }
                Image gotRows = BoxBlur.boxBlur(in, radius, 1);
                for (int x = 0; x < len; x++) {
                    for (int y = 0; y < 3; y++) {
                        double acc = 0;
                        for (int j = -k; j <= k; j++) {
                            acc += wIn * rows.get(x, Math.max(0, Math.min(2, y + j)), 0);
                        }
                        acc += wEdge * (rows.get(x, Math.max(0, y - k - 1), 0) + rows.get(x, Math.min(2, y + k + 1), 0));
                        int ref = (int) Math.floor(acc + 0.5);
                        assertTrue(Math.abs(ref - gotRows.get(x, y, 0)) <= 1, "radius " + radius + " len " + len);
                    }
                }
                assertEquals(len, gotRows.width());
            }
        }
    }

    @Test
    void boxBlurRadiiMatchTheSpecTable() {
        // Pillow computes the radius in float32: for r = 1 that is 0.25 + 2^-25 (the spec prints 0.25);
        // 2ρ + 1 still rounds to 1.5f, so the weights are the tabulated ones.
        float[][] table = {{0, 0f, 16777216, 0}, {1, 0.25000003f, 11184811, 2796202}, {2, 1.375f, 4473924, 1677722},
            {4, 3.4375f, 2130440, 932068}, {16, 15.484375f, 524800, 254208}, {64, 63.49609375f, 131080, 65028},
            {256, 255.4990234375f, 32768, 16384}};
        for (float[] row : table) {
            float rho = BoxBlur.boxRadius(row[0], 3);
            assertEquals(row[1], rho, 0f, "rho of radius " + row[0]);
            assertEquals((long) row[2], BoxBlur.innerWeight(rho), "ww of radius " + row[0]);
            assertEquals((long) row[3], BoxBlur.edgeWeight(rho), "fw of radius " + row[0]);
        }
    }

    @Test
    void openCvKernelsMatchTheSpecTable() {
        assertEquals(21, CvGaussianBlur.kernelSize(4));
        assertEquals(7, CvGaussianBlur.kernelSize(1));
        assertEquals(41, CvGaussianBlur.kernelSize(8));
        assertArrayEquals(new int[] {1, 14, 62, 102, 62, 14, 1}, CvGaussianBlur.kernel(7, 1));
        assertArrayEquals(new int[] {2, 7, 17, 31, 45, 52, 45, 31, 17, 7, 2}, CvGaussianBlur.kernel(11, 2));
        assertArrayEquals(new int[] {1, 2, 4, 5, 9, 11, 16, 19, 23, 25, 26, 25, 23, 19, 16, 11, 9, 5, 4, 2, 1},
                CvGaussianBlur.kernel(21, 4));
        assertArrayEquals(new int[] {1, 0, 1, 2, 1, 3, 2, 4, 4, 5, 6, 7, 8, 8, 10, 11, 11, 12, 13, 13, 12, 13, 13, 12,
            11, 11, 10, 8, 8, 7, 6, 5, 4, 4, 2, 3, 1, 2, 1, 0, 1}, CvGaussianBlur.kernel(41, 8));
        for (int b = 1; b <= 64; b++) {
            int sum = 0;
            for (int v : CvGaussianBlur.kernel(CvGaussianBlur.kernelSize(b), b)) {
                sum += v;
            }
            assertEquals(256, sum, "kernel of blur " + b);
        }
    }

    @Test
    void openCvBlurEqualsDirectConvolutionWithReflect101() {
        Image in = random(23, 9, Mode.L, 5);
        int[] k = CvGaussianBlur.kernel(CvGaussianBlur.kernelSize(5), 5); // 27 taps, wider than the 9 rows
        Image gx = CvGaussianBlur.blur(in, k, true);
        Image gy = CvGaussianBlur.blur(in, k, false);
        int half = k.length / 2;
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 23; x++) {
                long ax = 0;
                long ay = 0;
                for (int t = 0; t < k.length; t++) {
                    ax += (long) k[t] * in.get(mirror(x + t - half, 23), y, 0);
                    ay += (long) k[t] * in.get(x, mirror(y + t - half, 9), 0);
                }
                assertEquals(Math.floor(ax / 256.0 + 0.5), gx.get(x, y, 0), "x pass at " + x + "," + y);
                assertEquals(Math.floor(ay / 256.0 + 0.5), gy.get(x, y, 0), "y pass at " + x + "," + y);
            }
        }
    }

    /** Reflect-101 by repeated folding, as a person would write it. */
    private static int mirror(int i, int n) {
        while (i < 0 || i >= n) {
            if (i < 0) {
                i = -i;
            }
            if (i >= n) {
                i = 2 * (n - 1) - i;
            }
        }
        return i;
    }

    @Test
    void singleWhitePixelGivesTheSeparableKernel() {
        Image m = Image.blank(64, 64, Mode.L);
        m.set(30, 31, 0, 255);
        int[] k = CvGaussianBlur.kernel(21, 4);
        Image x = CvGaussianBlur.blur(m, k, true);
        for (int i = 0; i < 21; i++) {
            assertEquals((k[i] * 255 + 128) >> 8, x.get(30 - 10 + i, 31, 0));
        }
        Image xy = CvGaussianBlur.maskBlur(m, 4, 4);
        for (int i = 0; i < 21; i++) {
            for (int j = 0; j < 21; j++) {
                int row = (k[i] * 255 + 128) >> 8;
                assertEquals((k[j] * row + 128) >> 8, xy.get(30 - 10 + i, 31 - 10 + j, 0));
            }
        }
        assertTrue(CvGaussianBlur.maskBlur(m, 0, 0).sameAs(m), "blur 0 leaves the mask bit-identical");
    }
}
