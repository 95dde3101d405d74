package jdiffusion.sd.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.sampler.rng.GeneratorFactory;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Img2ImgImages;
import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.PrepSettings;
import jdiffusion.sd.image.ResizeMode;
import jdiffusion.sd.image.soft.SoftInpaintSettings;
import jdiffusion.sd.infotext.InpaintInfotext;
import jdiffusion.tensor.Tensor;

/**
 * {@code StableDiffusionProcessingImg2Img.init}, once per job, in the webui's order: mask
 * normalisation and per-image preparation (§2.5–2.8, {@link Img2ImgImages}), batch assembly, VAE
 * encoding (§3.1), latent upscale for resize mode 3 (§3.2), the latent mask (§3.3), masked content in
 * latent space (§3.4) and the 9-channel image conditioning (§3.5).
 */
final class Img2ImgInit {
    private Img2ImgInit() {
    }

    /**
     * @param prep            the image-side settings (its resizer does the paste-back)
     * @param prepared        one preparation per batch entry (one init image is repeated)
     * @param batchSize       the batch size after assembly (fewer init images than requested reduce it)
     * @param z0              the init latent [B, C, H/8, W/8] after masked content
     * @param initLatentVae   the encoded latent before masked content
     * @param nmask           latent mask plane [h·w] (1 = regenerate), or null without a mask
     * @param imageCond       inpainting-model conditioning [B, 5, h, w], or null
     * @param soft            Soft Inpainting settings when active, else null
     * @param extra           infotext entries of init, in order (Mask blur, Soft inpainting …, Mask mode, …)
     * @param comments        the webui's comments (blank-mask fallback)
     */
    record Init(PrepSettings prep, List<Img2ImgImages.Prepared> prepared, int batchSize, Tensor z0, Tensor initLatentVae,
                float[] nmask, Tensor imageCond, SoftInpaintSettings soft, Map<String, Object> extra, List<String> comments) {
        boolean masked() {
            return nmask != null;
        }
    }

    static Init run(SdModel model, VaeCodec vae, Img2ImgSettings s, CanvasLayers.Inputs in, int width, int height,
                    int batchSize, long[] firstBatchSeeds, GeneratorFactory generators, Observer obs) {
        boolean hasMask = in.mask() != null;
        SoftInpaintSettings soft = hasMask ? s.softInpainting() : null;
        PrepSettings prep = new PrepSettings(width, height, s.resizeMode(), s.maskBlurX(), s.maskBlurY(),
                s.maskMode() == MaskMode.INPAINT_NOT_MASKED, s.maskedContent(), s.inpaintArea() == InpaintArea.ONLY_MASKED,
                s.onlyMaskedPadding(), soft == null, s.colorCorrection(), s.background(), model.upscaler(s.upscaler()));

        // §2.8: each init image prepared with the same mask; then the batch is assembled.
        List<Img2ImgImages.Prepared> one = new ArrayList<>();
        for (Image im : in.images()) {
            one.add(Img2ImgImages.prepare(im, in.mask(), prep));
        }
        int b = batchSize;
        if (one.size() > b) {
            throw new IllegalArgumentException("bad number of images passed: " + one.size() + "; expecting " + b + " or less");
        }
        List<Img2ImgImages.Prepared> prepared = new ArrayList<>();
        if (one.size() == 1) {
            for (int i = 0; i < b; i++) {
                prepared.add(one.getFirst());
            }
        } else {
            b = one.size();
            prepared.addAll(one);
        }
        Img2ImgImages.Prepared first = prepared.getFirst();
        List<String> comments = first.comment() == null ? List.of() : List.of(first.comment());
        boolean masked = first.latentMask() != null;

        Map<String, Object> extra = new LinkedHashMap<>();
        // A blank mask with "Only masked" falls back to img2img: no area/content entries (their code is skipped).
        PrepSettings forInfo = masked ? prep : prep.withMask(s.maskBlurX(), prep.invertMask(), MaskedContent.ORIGINAL, false, 0);
        extra.putAll(InpaintInfotext.extras(forInfo.withMaskRound(prep.maskRound()), hasMask, masked && prep.onlyMasked(),
                soft, null, 1.0, 0.0));
        if (hasMask && s.maskBlurX() != s.maskBlurY()) {
            extra.remove("Mask blur");
        }

        // §3.1 encode: X = pixels/255, VAE input 2X − 1, each image on its own.
        Tensor pixels = LatentOps.pixels(prepared.stream().map(Img2ImgImages.Prepared::initImage).toList());
        obs.tensor("init_image", pixels);
        Tensor source = LatentOps.twoXMinusOne(pixels);
        Tensor z = vae.encode(source);
        obs.tensor("init_latent_vae", z);
        if (s.resizeMode() == ResizeMode.LATENT_UPSCALE) {
            z = LatentResize.bilinear(z, height / 8, width / 8); // §3.2
        }
        Tensor initVae = z;
        float[] nmask = masked ? first.latentMask() : null;
        if (masked) {
            obs.tensor("latent_mask", nmask);
            z = maskedContent(z, nmask, s.maskedContent(), firstBatchSeeds, generators, obs);
        }
        obs.tensor("init_latent", z);

        Tensor imageCond = null;
        if (model.config().isInpainting()) {
            // SD1/SD2 inpainting models round as mask_round says; SDXL-inpaint always rounds.
            boolean round = soft == null || model.config().architecture() == jdiffusion.loaders.config.Architecture.SDXL;
            imageCond = InpaintConditioning.img2img(vae, source, masked ? first.mask() : null, round,
                    s.inpaintingMaskWeight(), z.dim(2), z.dim(3));
            obs.tensor("image_conditioning", imageCond);
        }
        return new Init(prep, prepared, b, z, initVae, nmask, imageCond, soft, extra, comments);
    }

    /**
     * §3.4: latent noise {@code z·km + N·nm} with N the first draw of a fresh image RNG of the first
     * batch's seeds; latent nothing {@code z·km}. km = 1 − nm (float32).
     */
    private static Tensor maskedContent(Tensor z, float[] nmask, MaskedContent content, long[] seeds,
                                        GeneratorFactory generators, Observer obs) {
        if (content != MaskedContent.LATENT_NOISE && content != MaskedContent.LATENT_NOTHING) {
            return z;
        }
        int c = z.dim(1);
        int plane = nmask.length;
        float[] zs = z.toFloatArray();
        float[] noise = null;
        if (content == MaskedContent.LATENT_NOISE) {
            long[] s = java.util.Arrays.copyOf(seeds, z.dim(0));
            Tensor n = ImageRng.of(generators, new int[] {c, z.dim(2), z.dim(3)}, s).next();
            obs.tensor("latent_fill_noise", n);
            noise = n.toFloatArray();
        }
        float[] out = new float[zs.length];
        for (int i = 0; i < zs.length; i++) {
            float nm = nmask[i % plane];
            float km = 1f - nm;
            out[i] = noise == null ? zs[i] * km : zs[i] * km + noise[i] * nm;
        }
        return Tensor.of(out, z.shape());
    }
}
