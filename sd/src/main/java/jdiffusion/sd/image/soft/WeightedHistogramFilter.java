package jdiffusion.sd.image.soft;

import java.util.Arrays;

/**
 * Soft Inpainting's {@code weighted_histogram_filter}: for each pixel, the window's values are
 * sorted (stably, window in row-major order) and stacked with their kernel weights; the result is
 * the overlap-weighted mean of the values lying in the stack range
 * [S·pmin, S·pmax] (widened to at least {@code minWidth}). Float64 inside, float32 out.
 */
public final class WeightedHistogramFilter {
    private WeightedHistogramFilter() {
    }

    /**
     * {@code get_gaussian_kernel(stddev, max_radius)}: {@code exp(−r²/σ²)} tapered to zero one
     * pixel beyond the radius, {@code (2R+1)²} entries.
     */
    public static double[][] gaussianKernel(double stddev, int maxRadius) {
        double zeroRadius = maxRadius + 1.0;
        double gaussZero = Math.exp(-(zeroRadius * zeroRadius) / (stddev * stddev));
        double scale = 1 / (1 - gaussZero);
        int size = maxRadius * 2 + 1;
        double[][] k = new double[size][size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double dy = i - maxRadius;
                double dx = j - maxRadius;
                double x = Math.pow(dy, 2.0) + Math.pow(dx, 2.0);
                x = Math.exp(-x / (stddev * stddev));
                x -= gaussZero;
                x *= scale;
                k[i][j] = Math.max(0.0, x);
            }
        }
        return k;
    }

    /** Filters a [h, w] float image (row-major) with a square kernel centred at its middle. */
    public static float[] apply(float[] img, int w, int h, double[][] kernel, double pmin, double pmax, double minWidth) {
        int kc = kernel.length / 2;
        float[] out = new float[img.length];
        int cap = kernel.length * kernel.length;
        float[] values = new float[cap];
        double[] weights = new double[cap];
        Integer[] order = new Integer[cap];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int n = 0;
                for (int wy = Math.max(0, y - kc); wy < Math.min(h, y - kc + kernel.length); wy++) {
                    for (int wx = Math.max(0, x - kc); wx < Math.min(w, x - kc + kernel.length); wx++) {
                        values[n] = img[wy * w + wx];
                        weights[n] = kernel[wy - y + kc][wx - x + kc];
                        order[n] = n;
                        n++;
                    }
                }
                out[y * w + x] = (float) pixel(values, weights, order, n, pmin, pmax, minWidth);
            }
        }
        return out;
    }

    private static double pixel(float[] values, double[] weights, Integer[] order, int n,
                                double pmin, double pmax, double minWidth) {
        Arrays.sort(order, 0, n, (i, j) -> Float.compare(values[i], values[j]));
        double[] lo = new double[n];
        double[] hi = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            lo[i] = sum;
            sum += weights[order[i]];
            hi[i] = sum;
        }
        double wmin = sum * pmin;
        double wmax = sum * pmax;
        if (wmax - wmin < minWidth) {
            double centre = (wmin + wmax) / 2;
            wmin = centre - minWidth / 2;
            wmax = centre + minWidth / 2;
            if (wmax > sum) {
                wmax = sum;
                wmin = sum - minWidth;
            }
            if (wmin < 0) {
                wmin = 0;
                wmax = minWidth;
            }
        }
        double value = 0;
        double valueWeight = 0;
        for (int i = 0; i < n; i++) {
            if (wmin >= hi[i]) {
                continue;
            }
            if (wmax <= lo[i]) {
                break;
            }
            double s = Math.max(wmin, lo[i]);
            double e = Math.min(wmax, hi[i]);
            double wgt = e - s;
            value += values[order[i]] * wgt;
            valueWeight += wgt;
        }
        return valueWeight != 0 ? value / valueWeight : 0;
    }
}
