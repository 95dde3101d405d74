package jdiffusion.sd.image.soft;

/**
 * Soft Inpainting's per-denoiser-call blend ({@code soft_inpainting.py: get_modified_nmask},
 * {@code latent_blend}) as pure functions over float arrays. Latents are one image
 * {@code [C, h, w]} (channel-major); the mask is {@code [C, h, w]} too (the webui tiles it).
 */
public final class LatentBlend {
    private LatentBlend() {
    }

    /**
     * {@code nmask ^ (sigma^π · κ)} elementwise in float32 (torch.pow; {@code 0^0 = 1}).
     * {@code sigma} is the σ of the current denoiser call (first batch item).
     */
    public static float[] modifiedNmask(float[] nmask, float sigma, SoftInpaintSettings s) {
        float exponent = (float) Math.pow(sigma, (float) s.scheduleBias()) * (float) s.preservationStrength();
        float[] out = new float[nmask.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.pow(nmask[i], exponent);
        }
        return out;
    }

    /**
     * {@code latent_blend(a, b, t)}: per latent pixel, direction from the linear interpolation
     * {@code a(1 − t) + b·t} (float32), length from the power mean
     * {@code (‖a‖^q(1 − t) + ‖b‖^q·t)^(1/q)} (float64) divided by {@code ‖interp‖ + 1e−5}; the
     * magnitude part uses channel 0 of {@code t}.
     *
     * @param a        the original latent z0, [C, h, w]
     * @param b        the current denoised prediction, [C, h, w]
     * @param t        the modified nmask, [C, h, w]
     * @param channels C
     */
    public static float[] blend(float[] a, float[] b, float[] t, int channels, SoftInpaintSettings s) {
        int plane = a.length / channels;
        if (a.length != b.length || a.length != t.length || plane * channels != a.length) {
            throw new IllegalArgumentException("latent_blend needs three [C, h, w] arrays of one size, got "
                    + a.length + ", " + b.length + ", " + t.length + " with C = " + channels);
        }
        double q = s.transitionContrastBoost();
        float[] out = new float[a.length];
        for (int p = 0; p < plane; p++) {
            float sumV = 0f;
            float sumA = 0f;
            float sumB = 0f;
            for (int c = 0; c < channels; c++) {
                int i = c * plane + p;
                float tc = t[i];
                float v = a[i] * (1 - tc) + b[i] * tc;
                out[i] = v;
                sumV += v * v;
                sumA += a[i] * a[i];
                sumB += b[i] * b[i];
            }
            double current = (double) (float) Math.sqrt(sumV) + 0.00001;
            float t0 = t[p];
            double aMag = Math.pow((float) Math.sqrt(sumA), q) * (double) (1 - t0);
            double bMag = Math.pow((float) Math.sqrt(sumB), q) * (double) t0;
            double desired = Math.pow(aMag + bMag, 1 / q);
            float factor = (float) (desired / current);
            for (int c = 0; c < channels; c++) {
                out[c * plane + p] *= factor;
            }
        }
        return out;
    }
}
