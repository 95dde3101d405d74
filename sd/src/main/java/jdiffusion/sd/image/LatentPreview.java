package jdiffusion.sd.image;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.tensor.Tensor;

/**
 * The webui's "Approx cheap" live preview ({@code sd_vae_approx.cheap_approximation} with
 * {@code sd_samplers_common.single_sample_to_image}): each latent pixel's four channels are mapped to
 * RGB by a fixed 4×3 matrix (one for SD 1.x/2.x latents, one for SDXL's), then {@code x·0.5 + 0.5} is
 * clamped to [0, 1], multiplied by 255 and truncated to a byte. The picture has the latent's size (1/8
 * of the output) and costs a few multiplications per pixel instead of a VAE decode — on a CPU, where
 * one full-size decode takes 20–80 s, that is what makes previews every few steps affordable.
 */
public final class LatentPreview {
    private static final float[][] SD = {
        {0.298f, 0.207f, 0.208f},
        {0.187f, 0.286f, 0.173f},
        {-0.158f, 0.189f, 0.264f},
        {-0.184f, -0.271f, -0.473f},
    };
    private static final float[][] SDXL = {
        {0.3448f, 0.4168f, 0.4395f},
        {-0.1953f, -0.0290f, 0.0250f},
        {0.1074f, 0.0886f, -0.0163f},
        {-0.3730f, -0.2499f, -0.2088f},
    };

    private LatentPreview() {
    }

    /** latents: [B, 4, h, w] -> one RGB picture of w×h per batch entry. */
    public static List<Image> approxCheap(Tensor latents, boolean sdxl) {
        if (latents.rank() != 4 || latents.dim(1) != 4) {
            throw new IllegalArgumentException("Approx cheap preview: expected latents [B, 4, h, w], got " + latents);
        }
        float[][] coef = sdxl ? SDXL : SD;
        float[] v = latents.toFloatArray();
        int b = latents.dim(0);
        int h = latents.dim(2);
        int w = latents.dim(3);
        int plane = h * w;
        List<Image> out = new ArrayList<>(b);
        for (int n = 0; n < b; n++) {
            Image im = Image.blank(w, h, Mode.RGB);
            int base = n * 4 * plane;
            for (int p = 0; p < plane; p++) {
                for (int r = 0; r < 3; r++) {
                    float x = 0f;
                    for (int l = 0; l < 4; l++) {
                        x += v[base + l * plane + p] * coef[l][r];
                    }
                    float y = Math.min(Math.max(x * 0.5f + 0.5f, 0f), 1f);
                    im.set(p % w, p / w, r, (int) (255f * y));
                }
            }
            out.add(im);
        }
        return out;
    }
}
