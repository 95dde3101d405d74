package jdiffusion.sd.pipeline;

import jdiffusion.sd.image.Convert;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Mode;
import jdiffusion.tensor.Tensor;

/**
 * The extra UNet input of 9-channel inpainting models (spec img2img.md §3.5,
 * {@code inpainting_image_conditioning} / {@code txt2img_image_conditioning}): per image
 * {@code [mask at latent size, VAE latent of the masked picture]}, 5 channels, concatenated after the
 * 4 latent channels by the UNet adapter.
 */
final class InpaintConditioning {
    private InpaintConditioning() {
    }

    /**
     * img2img: {@code Sm = lerp(S, S·(1 − m), w)} encoded (posterior mean × scale), and {@code m}
     * nearest-downsampled to the latent size.
     *
     * @param source    S: [B, 3, H, W] pictures (in [−1, 1] for img2img; the hires pass passes [0, 1] as the webui does)
     * @param imageMask the processing-size mask (L or grey RGB, W×H), or null (= all ones)
     * @param round     round the mask to 0/1 ({@code mask_round}; SDXL-inpaint always rounds)
     * @param weight    option "Inpainting conditioning mask strength"
     * @param latentH   latent height of the run
     * @param latentW   latent width of the run
     */
    static Tensor img2img(VaeCodec vae, Tensor source, Image imageMask, boolean round, double weight, int latentH, int latentW) {
        int b = source.dim(0);
        int h = source.dim(2);
        int w = source.dim(3);
        float[] m = new float[h * w];
        if (imageMask == null) {
            java.util.Arrays.fill(m, 1f);
        } else {
            Image l = Convert.convert(imageMask, Mode.L);
            if (l.width() != w || l.height() != h) {
                throw new IllegalArgumentException("inpainting conditioning: mask " + l.width() + "x" + l.height()
                        + " does not match the picture " + w + "x" + h + " (resize mode 3 with an inpainting model is not supported)");
            }
            byte[] d = l.data();
            for (int i = 0; i < m.length; i++) {
                float v = (d[i] & 0xff) / 255.0f;
                m[i] = round ? (float) Math.rint(v) : v;
            }
        }
        float[] s = source.toFloatArray();
        float[] sm = new float[s.length];
        float wt = (float) weight;
        int plane = h * w;
        for (int i = 0; i < s.length; i++) {
            float start = s[i];
            float end = s[i] * (1f - m[i % plane]);
            // torch.lerp's two formulas (exact end point for weight 1)
            sm[i] = Math.abs(wt) < 0.5f ? start + wt * (end - start) : end - (end - start) * (1f - wt);
        }
        Tensor zc = vae.encode(Tensor.of(sm, source.shape()));
        return withMask(zc, nearest(m, h, w, latentH, latentW), b);
    }

    /** txt2img on an inpainting model: a black picture (zeros in [0, 1] → −1) encoded, mask all ones. */
    static Tensor txt2img(VaeCodec vae, int batch, int width, int height) {
        float[] black = new float[batch * 3 * width * height];
        java.util.Arrays.fill(black, -1f);
        Tensor zc = vae.encode(Tensor.of(black, batch, 3, height, width));
        float[] ones = new float[zc.dim(2) * zc.dim(3)];
        java.util.Arrays.fill(ones, 1f);
        return withMask(zc, ones, batch);
    }

    /** {@code interpolate(mask, size)} (nearest): source index {@code floor(o · in/out)}. */
    private static float[] nearest(float[] m, int h, int w, int oh, int ow) {
        int[] ys = LatentResize.nearestIndex(h, oh, false);
        int[] xs = LatentResize.nearestIndex(w, ow, false);
        float[] out = new float[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                out[y * ow + x] = m[ys[y] * w + xs[x]];
            }
        }
        return out;
    }

    /** [B, z, h, w] latents with the mask plane [h·w] put in front: [B, 1 + z, h, w]. */
    private static Tensor withMask(Tensor zc, float[] maskPlane, int b) {
        if (maskPlane.length != zc.dim(2) * zc.dim(3)) {
            throw new IllegalArgumentException("inpainting conditioning: mask of " + maskPlane.length
                    + " values for a latent of " + zc.dim(3) + "x" + zc.dim(2));
        }
        float[] mask = new float[b * maskPlane.length];
        for (int i = 0; i < b; i++) {
            System.arraycopy(maskPlane, 0, mask, i * maskPlane.length, maskPlane.length);
        }
        return LatentOps.concatChannels(Tensor.of(mask, b, 1, zc.dim(2), zc.dim(3)), zc);
    }
}
