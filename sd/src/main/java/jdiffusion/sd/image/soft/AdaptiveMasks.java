package jdiffusion.sd.image.soft;

import jdiffusion.sd.image.BoxBlur;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Masks;
import jdiffusion.sd.image.Mode;
import jdiffusion.sd.image.Overlay;
import jdiffusion.sd.image.ResizeMode;
import jdiffusion.sd.image.Resizer;

/**
 * Soft Inpainting's pixel composite ({@code soft_inpainting.py: apply_adaptive_masks}): after
 * sampling, the overlay mask is rebuilt from how far the final latent moved from the original,
 * filtered, thresholded softly, resized to the output and blurred.
 */
public final class AdaptiveMasks {
    private AdaptiveMasks() {
    }

    /** The replacement overlay mask (L, output size) and overlay image (RGBA). */
    public record Result(Image maskForOverlay, Image overlay) {
    }

    /**
     * @param nmask      latent mask channel 0, [h8·w8] row-major (fractional: rounding is off)
     * @param latentOrig z0 of this image, [C, h8, w8]
     * @param latentNew  the final latent of this image, [C, h8, w8]
     * @param base       the overlay base: flattened init image, resized unless Only masked (RGB)
     * @param pasteTo    Only masked paste box (x, y, w, h), or null
     */
    public static Result apply(SoftInpaintSettings s, float[] nmask, float[] latentOrig, float[] latentNew,
                               int channels, int latentWidth, int latentHeight, Image base,
                               int width, int height, int[] pasteTo, Resizer resizer) {
        int plane = latentWidth * latentHeight;
        if (nmask.length != plane || latentOrig.length != channels * plane || latentNew.length != channels * plane) {
            throw new IllegalArgumentException("apply_adaptive_masks: mask/latent sizes do not match "
                    + channels + "x" + latentHeight + "x" + latentWidth);
        }
        float[] scalar = maskScalar(nmask, s);
        float[] dist = new float[plane];
        for (int p = 0; p < plane; p++) {
            float sum = 0f;
            for (int c = 0; c < channels; c++) {
                float d = latentNew[c * plane + p] - latentOrig[c * plane + p];
                sum += d * d;
            }
            dist[p] = (float) Math.sqrt(sum);
        }
        double[][] kernel = WeightedHistogramFilter.gaussianKernel(1.5, 2);
        float[] f = WeightedHistogramFilter.apply(dist, latentWidth, latentHeight, kernel, 0.9, 1.0, 1.0);
        f = WeightedHistogramFilter.apply(f, latentWidth, latentHeight, kernel, 0.25, 0.75, 1.0);
        float tau = (float) s.differenceThreshold();
        float gamma = (float) s.differenceContrast();
        Image q = Image.blank(latentWidth, latentHeight, Mode.L);
        for (int p = 0; p < plane; p++) {
            float r = f[p] / (tau * scalar[p]);
            float o = 1 / (1 + (float) Math.pow(r, gamma));
            float g = 1 - smootherstep(o);
            q.data()[p] = (byte) (int) (255f * g);
        }
        Image mask = resizer.resize(ResizeMode.RESIZE_AND_FILL, q, width, height);
        mask = Masks.createBinaryMask(mask, false);
        mask = BoxBlur.gaussianBlur(mask, 4);
        if (pasteTo != null) {
            mask = Overlay.uncrop(mask, base.width(), base.height(), pasteTo, resizer);
        }
        return new Result(mask, Overlay.create(base, mask));
    }

    /** {@code ms = 1 − clamp(lm)^(κ/2)}, mixed with 0.5 by μ, then {@code ms / (1.00001 − ms)}; float32. */
    static float[] maskScalar(float[] nmask, SoftInpaintSettings s) {
        float half = (float) (s.preservationStrength() / 2);
        float mu = (float) s.maskInfluence();
        float base = (float) (0.5 * (1 - s.maskInfluence()));
        float[] out = new float[nmask.length];
        for (int i = 0; i < out.length; i++) {
            float lm = Math.min(1f, Math.max(0f, nmask[i]));
            float ms = 1 - (float) Math.pow(lm, half);
            ms = base + ms * mu;
            out[i] = ms / (1.00001f - ms);
        }
        return out;
    }

    /** {@code x³(x(6x − 15) + 10)} in float32. */
    static float smootherstep(float x) {
        return x * x * x * (x * (6 * x - 15) + 10);
    }
}
