package jdiffusion.sampler.schedule;

/**
 * NVIDIA's "Align Your Steps" 10-step schedules as the webui ships them, log-linearly re-interpolated
 * to other step counts with numpy's {@code linspace}/{@code interp} semantics (double precision).
 */
final class AlignYourSteps {
    private static final double[] SD1 = {14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029};
    private static final double[] SDXL = {14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.380, 0.234, 0.113, 0.029};

    private AlignYourSteps() {
    }

    static float[] sigmas(int n, boolean sdxl) {
        double[] table = sdxl ? SDXL : SD1;
        float[] out = new float[n + 1];
        if (n == table.length) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) table[i];
            }
            return out;
        }
        // Interpolate ln σ of the increasing (reversed) table on a uniform grid over [0, 1].
        int m = table.length;
        double[] xs = numpyLinspace(m);
        double[] ys = new double[m];
        for (int i = 0; i < m; i++) {
            ys[i] = Math.log(table[m - 1 - i]);
        }
        double[] newXs = numpyLinspace(n);
        for (int i = 0; i < n; i++) {
            out[n - 1 - i] = (float) Math.exp(interp(newXs[i], xs, ys));
        }
        return out;
    }

    /** {@code np.linspace(0, 1, num)}: k·(1/(num−1)), the last exactly 1. */
    static double[] numpyLinspace(int num) {
        double[] y = new double[num];
        if (num == 1) {
            return y;
        }
        double step = 1.0 / (num - 1);
        for (int k = 0; k < num; k++) {
            y[k] = k * step;
        }
        y[num - 1] = 1.0;
        return y;
    }

    /** {@code np.interp} for x within [xp[0], xp[last]]. */
    static double interp(double x, double[] xp, double[] fp) {
        int last = xp.length - 1;
        if (x >= xp[last]) {
            return fp[last];
        }
        if (x <= xp[0]) {
            return fp[0];
        }
        int j = 0;
        while (xp[j + 1] <= x) {
            j++;
        }
        double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
        return slope * (x - xp[j]) + fp[j];
    }
}
