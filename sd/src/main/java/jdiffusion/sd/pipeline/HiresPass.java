package jdiffusion.sd.pipeline;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ResizeMode;
import jdiffusion.sd.image.Resizer;
import jdiffusion.tensor.Tensor;

/**
 * The upscale half of {@code sample_hr_pass}: the first pass's latent is resized in latent space
 * ({@link LatentUpscaleMode}) or decoded, quantised, upscaled as pictures ({@code resize_image(0, …,
 * upscaler_name=hr_upscaler)}) and encoded again; the image conditioning of inpainting models follows
 * the webui's choice for each path; finally the latent is truncated for "Resize width/height to".
 */
final class HiresPass {
    private HiresPass() {
    }

    /** The upscaled latent [B, C, th/8, tw/8] and the hires pass's image conditioning (or null). */
    record Upscaled(Tensor latent, Tensor imageCond) {
    }

    static Upscaled upscale(SdModel model, VaeCodec vae, HiresFix hr, HiresTarget target, Tensor samples, Observer obs) {
        LatentUpscaleMode mode = hr.latentMode();
        boolean inpainting = model.config().isInpainting();
        Tensor latent;
        Tensor imageCond = null;
        if (mode != null) {
            latent = LatentResize.resize(samples, target.height() / 8, target.width() / 8, mode);
            if (inpainting) {
                // Only a mask strength below 1 needs the picture (decode); otherwise the txt2img conditioning.
                imageCond = hr.inpaintingMaskWeight() < 1.0
                        ? InpaintConditioning.img2img(vae, vae.decode(latent), null, true, hr.inpaintingMaskWeight(),
                                latent.dim(2), latent.dim(3))
                        : InpaintConditioning.txt2img(vae, latent.dim(0), latent.dim(3) * 8, latent.dim(2) * 8);
            }
        } else {
            Resizer resizer = new Resizer(model.upscaler(hr.upscaler()));
            Tensor decoded = vae.decode(samples);
            List<Image> ups = new ArrayList<>();
            for (int i = 0; i < decoded.dim(0); i++) {
                ups.add(resizer.resize(ResizeMode.JUST_RESIZE, LatentOps.picture(decoded, i), target.width(),
                        target.height()));
            }
            Tensor pixels = LatentOps.pixels(ups); // [0, 1]
            latent = vae.encode(LatentOps.twoXMinusOne(pixels));
            if (inpainting) {
                // The webui passes the [0, 1] pictures here (not 2x − 1), and no mask.
                imageCond = InpaintConditioning.img2img(vae, pixels, null, true, hr.inpaintingMaskWeight(),
                        latent.dim(2), latent.dim(3));
            }
        }
        latent = truncate(latent, target);
        if (imageCond != null) {
            imageCond = truncate(imageCond, target);
        }
        obs.tensor("latent", latent);
        return new Upscaled(latent, imageCond);
    }

    /** {@code samples[:, :, ty//2 : h − (ty+1)//2, tx//2 : w − (tx+1)//2]}. */
    static Tensor truncate(Tensor x, HiresTarget t) {
        if (t.truncateX() == 0 && t.truncateY() == 0) {
            return x;
        }
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int y0 = Math.floorDiv(t.truncateY(), 2);
        int y1 = h - Math.floorDiv(t.truncateY() + 1, 2);
        int x0 = Math.floorDiv(t.truncateX(), 2);
        int x1 = w - Math.floorDiv(t.truncateX() + 1, 2);
        if (y1 <= y0 || x1 <= x0) {
            throw new IllegalArgumentException("hires resize: nothing is left of the " + w + "x" + h + " latent after truncation");
        }
        float[] src = x.toFloatArray();
        float[] out = new float[n * c * (y1 - y0) * (x1 - x0)];
        int o = 0;
        for (int p = 0; p < n * c; p++) {
            for (int y = y0; y < y1; y++) {
                System.arraycopy(src, (p * h + y) * w + x0, out, o, x1 - x0);
                o += x1 - x0;
            }
        }
        return Tensor.of(out, n, c, y1 - y0, x1 - x0);
    }
}
