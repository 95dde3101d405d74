package jdiffusion.sampler.schedule;

import jdiffusion.sampler.F32;

/**
 * The 1000-step DDPM noise schedule of SD 1.x/2.x/XL as k-diffusion's {@code DiscreteSchedule} sees it
 * (spec §7.1): float32 ᾱ_t, σ_t = sqrt((1 − ᾱ_t)/ᾱ_t) and ln σ_t, and the maps between a continuous
 * σ and the fractional timestep t the UNet receives.
 */
public final class DiscreteSchedule {
    /** ldm / sgm "scaled linear" defaults. */
    public static final double LINEAR_START = 0.00085;
    public static final double LINEAR_END = 0.012;
    public static final int TIMESTEPS = 1000;
    /** The webui's value for the last ᾱ of a zero-terminal-SNR schedule (instead of 0). */
    public static final float ZERO_SNR_LAST_ALPHA_BAR = 4.8973451890853435e-08f;

    private final float[] alphasCumprod;
    private final float[] sigmas;
    private final float[] logSigmas;

    private DiscreteSchedule(float[] alphasCumprod) {
        int n = alphasCumprod.length;
        if (n < 2) {
            throw new IllegalArgumentException("alphas_cumprod needs at least 2 entries, got " + n);
        }
        this.alphasCumprod = alphasCumprod.clone();
        this.sigmas = new float[n];
        this.logSigmas = new float[n];
        for (int i = 0; i < n; i++) {
            float a = alphasCumprod[i];
            if (!(a > 0 && a <= 1)) {
                throw new IllegalArgumentException("alphas_cumprod[" + i + "] = " + a + " is outside (0, 1]");
            }
            if (i > 0 && !(a <= alphasCumprod[i - 1])) {
                throw new IllegalArgumentException("alphas_cumprod must not increase, but [" + i + "] = " + a
                        + " > [" + (i - 1) + "] = " + alphasCumprod[i - 1]);
            }
            sigmas[i] = F32.sqrt((1f - a) / a);
            logSigmas[i] = F32.log(sigmas[i]);
        }
    }

    /**
     * The SD schedule: β = linspace(√0.00085, √0.012, 1000)² in float64 (ldm {@code register_schedule}),
     * ᾱ = cumprod(1 − β) in float64, stored as float32 (what SD checkpoints carry and sgm recomputes).
     */
    public static DiscreteSchedule stableDiffusion() {
        return fromAlphasCumprod(scaledLinearAlphasCumprod(LINEAR_START, LINEAR_END, TIMESTEPS));
    }

    /** A schedule from a checkpoint's float32 {@code alphas_cumprod} buffer. */
    public static DiscreteSchedule fromAlphasCumprod(float[] alphasCumprod) {
        return new DiscreteSchedule(alphasCumprod);
    }

    /** ᾱ of a "scaled linear" β schedule, rounded to float32. */
    public static float[] scaledLinearAlphasCumprod(double linearStart, double linearEnd, int timesteps) {
        double[] root = F32.linspace(Math.sqrt(linearStart), Math.sqrt(linearEnd), timesteps);
        float[] out = new float[timesteps];
        double prod = 1;
        for (int i = 0; i < timesteps; i++) {
            double beta = root[i] * root[i];
            prod *= 1 - beta;
            out[i] = (float) prod;
        }
        return out;
    }

    /**
     * The webui option "Noise schedule: Zero Terminal SNR" ({@code rescale_zero_terminal_snr_abar}):
     * sqrt ᾱ shifted so the last is 0 and rescaled so the first is unchanged (float32), squared, and
     * the last ᾱ set to {@link #ZERO_SNR_LAST_ALPHA_BAR}.
     */
    public DiscreteSchedule zeroTerminalSnr() {
        int n = alphasCumprod.length;
        float[] root = new float[n];
        for (int i = 0; i < n; i++) {
            root[i] = F32.sqrt(alphasCumprod[i]);
        }
        float first = root[0];
        float last = root[n - 1];
        float scale = first / (first - last);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float r = (root[i] - last) * scale;
            out[i] = r * r;
        }
        out[n - 1] = ZERO_SNR_LAST_ALPHA_BAR;
        return new DiscreteSchedule(out);
    }

    public int size() {
        return sigmas.length;
    }

    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    public float[] sigmas() {
        return sigmas.clone();
    }

    public float[] logSigmas() {
        return logSigmas.clone();
    }

    public float alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    public float sigma(int t) {
        return sigmas[t];
    }

    /** σ of timestep 0, the smallest. */
    public float sigmaMin() {
        return sigmas[0];
    }

    /** σ of the last timestep, the largest. */
    public float sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    /**
     * k-diffusion {@code sigma_to_t} without quantization: the fractional index where ln σ falls
     * between two table entries (clamped to [0, size − 1]), interpolated linearly in ln σ, in float32.
     */
    public float sigmaToT(float sigma) {
        float logSigma = F32.log(sigma);
        int n = logSigmas.length;
        // Largest index whose log-sigma is <= log(sigma) (0 when none), at most n - 2.
        int low = 0;
        for (int i = 0; i < n; i++) {
            if (logSigma - logSigmas[i] >= 0) {
                low = i;
            }
        }
        low = Math.min(low, n - 2);
        int high = low + 1;
        float lo = logSigmas[low];
        float hi = logSigmas[high];
        float w = (lo - logSigma) / (lo - hi);
        w = Math.min(Math.max(w, 0f), 1f);
        return (1f - w) * low + w * high;
    }

    /** {@code sigma_to_t} with {@code enable_quantization}: the nearest table index in ln σ. */
    public int sigmaToTQuantized(float sigma) {
        float logSigma = F32.log(sigma);
        int best = 0;
        float bestDist = Float.POSITIVE_INFINITY;
        for (int i = 0; i < logSigmas.length; i++) {
            float dist = Math.abs(logSigma - logSigmas[i]);
            if (dist < bestDist) {
                bestDist = dist;
                best = i;
            }
        }
        return best;
    }

    /** k-diffusion {@code t_to_sigma}: exp of the log-sigma interpolated at fractional t. */
    public float tToSigma(float t) {
        if (!(t >= 0 && t <= sigmas.length - 1)) {
            throw new IllegalArgumentException("timestep " + t + " outside [0, " + (sigmas.length - 1) + "]");
        }
        int low = (int) Math.floor(t);
        int high = (int) Math.ceil(t);
        float w = t - (float) low;
        float logSigma = (1f - w) * logSigmas[low] + w * logSigmas[high];
        return F32.exp(logSigma);
    }

    /**
     * k-diffusion {@code get_sigmas(n)} (the webui's "Uniform" and the fallback of "Automatic"):
     * t = linspace(size − 1, 0, n), σ(t), then a final 0.
     */
    public float[] uniformSigmas(int n) {
        float[] t = F32.linspace((float) (sigmas.length - 1), 0f, n);
        float[] out = new float[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = tToSigma(t[i]);
        }
        return out;
    }
}
