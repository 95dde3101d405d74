package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link LatentResize} against straightforward double-precision twins of PyTorch's interpolate rules on
 * random non-zero inputs of odd sizes, up and down. Like PyTorch, the implementation computes the axis
 * scale {@code in/out} and the source coordinates in float32, which moves values by up to ~3e-6 here
 * (tolerance 1e-5 on values in [−2, 2]); the nearest modes are exact.
 */
class LatentResizeTest {
    private static final int[][] SIZES = {{5, 7, 11, 13}, {9, 6, 4, 3}, {8, 8, 16, 16}, {3, 5, 3, 5}, {7, 9, 10, 17}};

    private static Tensor random(int h, int w) {
        SplittableRandom r = new SplittableRandom(h * 31L + w);
        float[] a = new float[2 * 3 * h * w];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return Tensor.of(a, 2, 3, h, w);
    }

    private interface Axis {
        /** Weights over the input positions for output {@code o} (length in). */
        double[] weights(int in, int out, int o);
    }

    private static Tensor reference(Tensor x, int oh, int ow, Axis axis) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        float[] out = new float[n * c * oh * ow];
        for (int p = 0; p < n * c; p++) {
            for (int oy = 0; oy < oh; oy++) {
                double[] wy = axis.weights(h, oh, oy);
                for (int ox = 0; ox < ow; ox++) {
                    double[] wx = axis.weights(w, ow, ox);
                    double acc = 0;
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            acc += wy[y] * wx[xx] * x.getFlat((long) (p * h + y) * w + xx);
                        }
                    }
                    out[(p * oh + oy) * ow + ox] = (float) acc;
                }
            }
        }
        return Tensor.of(out, n, c, oh, ow);
    }

    private static final Axis BILINEAR = (in, out, o) -> {
        double[] wt = new double[in];
        double s = Math.max(0, (o + 0.5) * in / out - 0.5);
        int i0 = Math.min((int) s, in - 1);
        int i1 = Math.min(i0 + 1, in - 1);
        double l = s - i0;
        wt[i0] += 1 - l;
        wt[i1] += l;
        return wt;
    };

    private static final Axis BICUBIC = (in, out, o) -> {
        double[] wt = new double[in];
        double s = (o + 0.5) * in / out - 0.5;
        int i = (int) Math.floor(s);
        double t = s - i;
        double a = -0.75;
        for (int k = -1; k <= 2; k++) {
            double d = Math.abs(k - t);
            double v = d <= 1 ? ((a + 2) * d - (a + 3)) * d * d + 1 : d < 2 ? ((a * d - 5 * a) * d + 8 * a) * d - 4 * a : 0;
            wt[Math.max(0, Math.min(in - 1, i + k))] += v;
        }
        return wt;
    };

    private static Axis antialiased(boolean cubic) {
        return (in, out, o) -> {
            double scale = (double) in / out;
            double support = (cubic ? 2 : 1) * Math.max(scale, 1);
            double centre = scale * (o + 0.5);
            double[] wt = new double[in];
            double total = 0;
            for (int j = 0; j < in; j++) {
                if (j < (int) (centre - support + 0.5) || j >= (int) (centre + support + 0.5)) {
                    continue;
                }
                double x = Math.abs((j - centre + 0.5) / Math.max(scale, 1));
                double v;
                if (cubic) {
                    double a = -0.5;
                    v = x < 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : x < 2 ? (((x - 5) * x + 8) * x - 4) * a : 0;
                } else {
                    v = Math.max(0, 1 - x);
                }
                wt[j] = v;
                total += v;
            }
            for (int j = 0; j < in; j++) {
                wt[j] /= total;
            }
            return wt;
        };
    }

    private static Axis nearest(boolean exact) {
        return (in, out, o) -> {
            double[] wt = new double[in];
            double s = (double) in / out;
            int i = Math.min((int) Math.floor(exact ? (o + 0.5) * s : o * s), in - 1);
            wt[i] = 1;
            return wt;
        };
    }

    private static void check(LatentUpscaleMode mode, Axis axis, double tol) {
        for (int[] s : SIZES) {
            Tensor x = random(s[0], s[1]);
            Tensor got = LatentResize.resize(x, s[2], s[3], mode);
            Tensor want = reference(x, s[2], s[3], axis);
            assertArrayEquals(new int[] {2, 3, s[2], s[3]}, got.shape());
            float[] g = got.toFloatArray();
            float[] e = want.toFloatArray();
            for (int i = 0; i < g.length; i++) {
                assertEquals(e[i], g[i], tol, mode + " " + s[0] + "x" + s[1] + " -> " + s[2] + "x" + s[3] + " at " + i);
            }
        }
    }

    @Test
    void bilinear() {
        check(LatentUpscaleMode.LATENT, BILINEAR, 1e-5);
    }

    @Test
    void bicubic() {
        check(LatentUpscaleMode.LATENT_BICUBIC, BICUBIC, 1e-5);
    }

    @Test
    void antialiasedBilinearAndBicubic() {
        check(LatentUpscaleMode.LATENT_ANTIALIASED, antialiased(false), 1e-5);
        check(LatentUpscaleMode.LATENT_BICUBIC_ANTIALIASED, antialiased(true), 1e-5);
    }

    @Test
    void nearestModes() {
        check(LatentUpscaleMode.LATENT_NEAREST, nearest(false), 0);
        check(LatentUpscaleMode.LATENT_NEAREST_EXACT, nearest(true), 0);
    }
}
