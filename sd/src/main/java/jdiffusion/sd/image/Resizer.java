package jdiffusion.sd.image;

/**
 * The webui's {@code images.resize_image(resize_mode, im, width, height)} with an optional
 * img2img upscaler (null = option "None": every resize is LANCZOS).
 */
public final class Resizer {
    private final Upscaler upscaler;

    /** @param upscaler the configured {@code upscaler_for_img2img}, or null for "None" */
    public Resizer(Upscaler upscaler) {
        this.upscaler = upscaler;
    }

    /** The default configuration: no upscaler, plain LANCZOS. */
    public static Resizer lanczos() {
        return new Resizer(null);
    }

    /** Inner {@code resize(im, w, h)}: LANCZOS, or the upscaler first when an RGB(A) image grows. */
    public Image fit(Image im, int w, int h) {
        if (upscaler == null || im.mode() == Mode.L) {
            return Resample.resize(im, w, h, Resample.Filter.LANCZOS);
        }
        double scale = Math.max((double) w / im.width(), (double) h / im.height());
        Image out = im;
        if (scale > 1.0) {
            out = upscaler.upscale(im, scale);
        }
        if (out.width() != w || out.height() != h) {
            out = Resample.resize(out, w, h, Resample.Filter.LANCZOS);
        }
        return out;
    }

    /**
     * {@code resize_image(mode, im, width, height)}. Mode 0 keeps the input mode; modes 1 and 2
     * (and 3, which falls into the mode-2 branch as in the webui) return RGB.
     */
    public Image resize(ResizeMode mode, Image im, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("resize_image target must be positive, got " + width + "x" + height);
        }
        double ratio = (double) width / height;
        double srcRatio = (double) im.width() / im.height();
        switch (mode) {
            case JUST_RESIZE -> {
                return fit(im, width, height);
            }
            case CROP_AND_RESIZE -> {
                int srcW = ratio > srcRatio ? width : (int) ((long) im.width() * height / im.height());
                int srcH = ratio <= srcRatio ? height : (int) ((long) im.height() * width / im.width());
                Image resized = fit(im, srcW, srcH);
                Image res = Image.blank(width, height, Mode.RGB);
                Composite.paste(res, resized, width / 2 - srcW / 2, height / 2 - srcH / 2, null);
                return res;
            }
            default -> {
                return resizeAndFill(im, width, height, ratio, srcRatio);
            }
        }
    }

    private Image resizeAndFill(Image im, int width, int height, double ratio, double srcRatio) {
        int srcW = ratio < srcRatio ? width : (int) ((long) im.width() * height / im.height());
        int srcH = ratio >= srcRatio ? height : (int) ((long) im.height() * width / im.width());
        Image resized = fit(im, srcW, srcH);
        Image res = Image.blank(width, height, Mode.RGB);
        Composite.paste(res, resized, width / 2 - srcW / 2, height / 2 - srcH / 2, null);
        Resample.Filter bicubic = Resample.Filter.BICUBIC; // Pillow's default filter
        if (ratio < srcRatio) {
            // Zero-height source boxes: every strip row is 9/8·edge − 1/8·next-to-edge.
            int fillHeight = height / 2 - srcH / 2;
            if (fillHeight > 0) {
                Composite.paste(res, Resample.resize(resized, width, fillHeight, bicubic, 0, 0, width, 0), 0, 0, null);
                Composite.paste(res, Resample.resize(resized, width, fillHeight, bicubic,
                        0, resized.height(), width, resized.height()), 0, fillHeight + srcH, null);
            }
        } else if (ratio > srcRatio) {
            int fillWidth = width / 2 - srcW / 2;
            if (fillWidth > 0) {
                Composite.paste(res, Resample.resize(resized, fillWidth, height, bicubic, 0, 0, 0, height), 0, 0, null);
                Composite.paste(res, Resample.resize(resized, fillWidth, height, bicubic,
                        resized.width(), 0, resized.width(), height), fillWidth + srcW, 0, null);
            }
        }
        return res;
    }
}
