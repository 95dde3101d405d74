package jdiffusion.sd.image;

/**
 * The image-side img2img/inpainting settings (webui field names in brackets).
 *
 * @param width            processing width W ({@code width})
 * @param height           processing height H ({@code height})
 * @param resizeMode       "Resize mode" ({@code resize_mode})
 * @param maskBlurX        horizontal mask blur ({@code mask_blur_x}), 0 = none
 * @param maskBlurY        vertical mask blur ({@code mask_blur_y}), 0 = none
 * @param invertMask       "Inpaint not masked" ({@code inpainting_mask_invert})
 * @param maskedContent    "Masked content" ({@code inpainting_fill})
 * @param onlyMasked       "Inpaint area: Only masked" ({@code inpaint_full_res})
 * @param padding          "Only masked padding, pixels" ({@code inpaint_full_res_padding})
 * @param maskRound        {@code mask_round} (true unless Soft Inpainting)
 * @param colorCorrection  option {@code img2img_color_correction}
 * @param background       option {@code img2img_background_color} as r, g, b
 * @param upscaler         option {@code upscaler_for_img2img}; null = "None" (LANCZOS)
 */
public record PrepSettings(int width, int height, ResizeMode resizeMode, int maskBlurX, int maskBlurY,
                           boolean invertMask, MaskedContent maskedContent, boolean onlyMasked, int padding,
                           boolean maskRound, boolean colorCorrection, int[] background, Upscaler upscaler) {

    public PrepSettings {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width/height must be positive, got " + width + "x" + height);
        }
        if (maskBlurX < 0 || maskBlurY < 0) {
            throw new IllegalArgumentException("mask blur must not be negative, got " + maskBlurX + "/" + maskBlurY);
        }
        if (padding < 0) {
            throw new IllegalArgumentException("inpaint_full_res_padding must not be negative, got " + padding);
        }
        if (background == null || background.length != 3) {
            throw new IllegalArgumentException("background must be three 0..255 values");
        }
    }

    /** The UI defaults for a W×H job: Just resize, blur 4, original content, whole picture, padding 32. */
    public static PrepSettings defaults(int width, int height) {
        return new PrepSettings(width, height, ResizeMode.JUST_RESIZE, 4, 4, false, MaskedContent.ORIGINAL,
                false, 32, true, false, new int[] {255, 255, 255}, null);
    }

    public PrepSettings withResizeMode(ResizeMode m) {
        return new PrepSettings(width, height, m, maskBlurX, maskBlurY, invertMask, maskedContent, onlyMasked,
                padding, maskRound, colorCorrection, background, upscaler);
    }

    public PrepSettings withMask(int blur, boolean invert, MaskedContent content, boolean onlyMaskedArea, int pad) {
        return new PrepSettings(width, height, resizeMode, blur, blur, invert, content, onlyMaskedArea, pad,
                maskRound, colorCorrection, background, upscaler);
    }

    public PrepSettings withMaskRound(boolean round) {
        return new PrepSettings(width, height, resizeMode, maskBlurX, maskBlurY, invertMask, maskedContent,
                onlyMasked, padding, round, colorCorrection, background, upscaler);
    }

    public PrepSettings withColorCorrection(boolean on) {
        return new PrepSettings(width, height, resizeMode, maskBlurX, maskBlurY, invertMask, maskedContent,
                onlyMasked, padding, maskRound, on, background, upscaler);
    }

    public PrepSettings withUpscaler(Upscaler u) {
        return new PrepSettings(width, height, resizeMode, maskBlurX, maskBlurY, invertMask, maskedContent,
                onlyMasked, padding, maskRound, colorCorrection, background, u);
    }

    /** The {@link Resizer} for {@code resize_image} calls of this job. */
    public Resizer resizer() {
        return new Resizer(upscaler);
    }
}
