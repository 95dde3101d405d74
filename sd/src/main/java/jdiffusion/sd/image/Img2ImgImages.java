package jdiffusion.sd.image;

/**
 * The image side of {@code StableDiffusionProcessingImg2Img}, in the webui's order: mask
 * normalisation (§2.5–2.7 of the spec), per-image preparation (§2.8), the latent mask (§3.3), and
 * after decoding colour correction and the overlay composite (§6). Latent-space work (encoding,
 * noise, sampling) belongs to the pipeline; this class hands it the picture to encode and the mask.
 */
public final class Img2ImgImages {
    /** The comment the webui attaches when "Only masked" meets a blank mask. */
    public static final String BLANK_ONLY_MASKED =
            "Unable to perform \"Inpaint Only mask\" because mask is blank, switch to img2img mode.";

    private Img2ImgImages() {
    }

    /**
     * Everything prepared for one init image. Fields that do not apply are null.
     *
     * @param overlayBase     the flattened input, resized to W×H (full size for Only masked)
     * @param maskBlurred     the binarised, inverted and blurred mask at the mask's size
     * @param bboxPadded      Only masked: {@code get_crop_region_v2} result
     * @param cropRegion      Only masked: after {@code expand_crop_region}
     * @param pasteTo         Only masked: (x, y, w, h) for {@code uncrop}
     * @param mask            the processing-size mask ({@code image_mask}): L or grey RGB
     * @param maskForOverlay  the overlay mask (doubled for Whole picture)
     * @param overlay         the overlay image (RGBA) pasted over the result
     * @param initCropped     Only masked: the crop of the input resized to W×H
     * @param initFilled      masked content fill/latent noise/latent nothing: the filled picture
     * @param initImage       the RGB picture to VAE-encode
     * @param colorTarget     the Lab colour-correction target, when the option is on
     * @param latentMask      nmask channel 0, [h8·w8] (1 = regenerate)
     * @param comment         a webui comment to attach, or null
     */
    public record Prepared(Image overlayBase, Image maskBlurred, CropRegion bboxPadded, CropRegion cropRegion,
                           int[] pasteTo, Image mask, Image maskForOverlay, Image overlay, Image initCropped,
                           Image initFilled, Image initImage, Image colorTarget, float[] latentMask, String comment) {
    }

    /** The mask after normalisation: {@code create_binary_mask}, optional invert, OpenCV blur. */
    public static Image normaliseMask(Image mask, PrepSettings s) {
        Image m = Masks.createBinaryMask(mask, s.maskRound());
        if (s.invertMask()) {
            m = Composite.invert(m);
        }
        return CvGaussianBlur.maskBlur(m, s.maskBlurX(), s.maskBlurY());
    }

    /**
     * Prepares one init image (any mode; RGBA is flattened on the background colour) with an
     * optional mask (null for plain img2img).
     */
    public static Prepared prepare(Image init, Image mask, PrepSettings s) {
        Resizer resizer = s.resizer();
        Image maskBlurred = null;
        CropRegion bbox = null;
        CropRegion crop = null;
        int[] pasteTo = null;
        Image imageMask = null;
        Image maskForOverlay = null;
        String comment = null;
        if (mask != null) {
            maskBlurred = normaliseMask(mask, s);
            if (s.onlyMasked()) {
                bbox = CropRegion.of(maskBlurred, s.padding());
                if (bbox != null) {
                    maskForOverlay = maskBlurred;
                    crop = bbox.expand(s.width(), s.height(), maskBlurred.width(), maskBlurred.height());
                    Image cropped = maskBlurred.crop(crop.x1(), crop.y1(), crop.x2(), crop.y2());
                    imageMask = resizer.resize(ResizeMode.RESIZE_AND_FILL, cropped, s.width(), s.height());
                    pasteTo = crop.pasteTo();
                } else {
                    comment = BLANK_ONLY_MASKED; // falls back to plain img2img of the whole picture
                }
            } else {
                imageMask = resizer.resize(s.resizeMode(), maskBlurred, s.width(), s.height());
                maskForOverlay = Masks.doubled(imageMask);
            }
        }
        Image image = Composite.flatten(init, s.background());
        if (crop == null && s.resizeMode() != ResizeMode.LATENT_UPSCALE) {
            image = resizer.resize(s.resizeMode(), image, s.width(), s.height());
        }
        Image overlayBase = image;
        Image overlay = null;
        if (imageMask != null) {
            if (maskForOverlay.width() != image.width() || maskForOverlay.height() != image.height()) {
                maskForOverlay = resizer.resize(s.resizeMode(), maskForOverlay, image.width(), image.height());
            }
            overlay = Overlay.create(image, maskForOverlay);
        }
        Image initCropped = null;
        if (crop != null) {
            image = resizer.resize(ResizeMode.RESIZE_AND_FILL, image.crop(crop.x1(), crop.y1(), crop.x2(), crop.y2()),
                    s.width(), s.height());
            initCropped = image;
        }
        Image initFilled = null;
        if (imageMask != null && s.maskedContent() != MaskedContent.ORIGINAL) {
            image = MaskedFill.fill(image, imageMask);
            initFilled = image;
        }
        Image colorTarget = s.colorCorrection() ? ColorCorrection.target(image) : null;
        // The latent is W/8×H/8 in every mode (mode 3 interpolates it to that size).
        float[] latentMask = imageMask == null ? null
                : Masks.latentMask(imageMask, s.width() / 8, s.height() / 8, s.maskRound());
        return new Prepared(overlayBase, maskBlurred, bbox, crop, pasteTo, imageMask, maskForOverlay, overlay,
                initCropped, initFilled, image, colorTarget, latentMask, comment);
    }

    /** The composite stage for one decoded image. */
    public record Finished(Image colorCorrected, Image uncropped, Image output) {
    }

    /**
     * Colour correction (if a target exists), then {@code apply_overlay}. {@code overlay} is the
     * prepared overlay, or Soft Inpainting's replacement, or null (option {@code overlay_inpaint}
     * off or no mask), in which case the sample is returned unchanged (no uncrop either).
     */
    public static Finished finish(Image sample, Image colorTarget, int[] pasteTo, Image overlay, Resizer resizer) {
        Image corrected = colorTarget != null ? ColorCorrection.apply(colorTarget, sample) : null;
        Image img = corrected != null ? corrected : sample;
        Image uncropped = null;
        if (overlay != null && pasteTo != null) {
            uncropped = Overlay.uncrop(img, overlay.width(), overlay.height(), pasteTo, resizer);
        }
        Image out = Overlay.apply(img, pasteTo, overlay, resizer);
        return new Finished(corrected, uncropped, out);
    }
}
