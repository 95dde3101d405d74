package jdiffusion.sampler.rng;

/**
 * The webui's variation-seed blend {@code rng.slerp(val, low, high)} on one image's noise
 * (C, h, w). Quirks kept on purpose: the norms and the dot product run along dimension 1 (the
 * latent height), giving one angle per (channel, column); the nearly-parallel fallback weights the
 * operands the other way round ({@code low·val + high·(1 − val)}).
 *
 * <p>Norms and dot products are accumulated in double and rounded to float (PyTorch accumulates in
 * float in an unspecified order, so the last bit may differ); the blend itself is float32.
 */
public final class Slerp {
    private Slerp() {
    }

    /** Returns a new array; {@code low} and {@code high} hold c·h·w values in C order. */
    public static float[] slerp(float val, float[] low, float[] high, int c, int h, int w) {
        int n = c * h * w;
        if (low.length != n || high.length != n) {
            throw new IllegalArgumentException("slerp: expected " + n + " values for (" + c + ", " + h + ", " + w
                    + "), got " + low.length + " and " + high.length);
        }
        float[] dot = new float[c * w];
        double dotSum = 0;
        for (int ch = 0; ch < c; ch++) {
            for (int col = 0; col < w; col++) {
                double nl = 0;
                double nh = 0;
                for (int row = 0; row < h; row++) {
                    int i = (ch * h + row) * w + col;
                    nl += (double) low[i] * low[i];
                    nh += (double) high[i] * high[i];
                }
                float normLow = (float) Math.sqrt(nl);
                float normHigh = (float) Math.sqrt(nh);
                double d = 0;
                for (int row = 0; row < h; row++) {
                    int i = (ch * h + row) * w + col;
                    d += (double) (low[i] / normLow) * (high[i] / normHigh);
                }
                dot[ch * w + col] = (float) d;
                dotSum += (float) d;
            }
        }
        float[] out = new float[n];
        if ((float) (dotSum / dot.length) > 0.9995f) {
            float rest = (float) (1.0 - val);
            for (int i = 0; i < n; i++) {
                out[i] = low[i] * val + high[i] * rest;
            }
            return out;
        }
        float oneMinusVal = (float) (1.0 - val);
        for (int ch = 0; ch < c; ch++) {
            for (int col = 0; col < w; col++) {
                float omega = (float) Math.acos(dot[ch * w + col]);
                float so = (float) Math.sin(omega);
                float a = (float) Math.sin(oneMinusVal * omega) / so;
                float b = (float) Math.sin(val * omega) / so;
                for (int row = 0; row < h; row++) {
                    int i = (ch * h + row) * w + col;
                    out[i] = a * low[i] + b * high[i];
                }
            }
        }
        return out;
    }
}
