package jdiffusion.sd.image;

/**
 * An entry of the webui's upscaler list, used by {@code resize_image} when option
 * {@code upscaler_for_img2img} names one and an RGB image is enlarged. {@link #doUpscale} is one
 * pass of the model (ESRGAN-style models plug in here); {@link #upscale} is the webui's driver
 * ({@code modules/upscaler.py: Upscaler.upscale}).
 */
@FunctionalInterface
public interface Upscaler {
    /** One pass of the upscaler at the requested scale (a model may ignore it and use its own). */
    Image doUpscale(Image im, double scale);

    /**
     * The webui driver: target {@code int(w·s div 8 · 8)} × {@code int(h·s div 8 · 8)}; up to three
     * passes while the image is smaller than the target (stopping when a pass leaves the size
     * unchanged), then a LANCZOS resize to the target if needed.
     */
    default Image upscale(Image im, double scale) {
        int destW = (int) (Math.floor(im.width() * scale / 8) * 8);
        int destH = (int) (Math.floor(im.height() * scale / 8) * 8);
        Image img = im;
        for (int i = 0; i < 3; i++) {
            if (img.width() >= destW && img.height() >= destH && (i > 0 || scale != 1)) {
                break;
            }
            int w = img.width();
            int h = img.height();
            img = doUpscale(img, scale);
            if (img.width() == w && img.height() == h) {
                break;
            }
        }
        if (img.width() != destW || img.height() != destH) {
            img = Resample.resize(img, destW, destH, Resample.Filter.LANCZOS);
        }
        return img;
    }

    /** The built-in "Lanczos" upscaler: {@code resize((int(w·s), int(h·s)), LANCZOS)}. */
    static Upscaler lanczos() {
        return (im, s) -> Resample.resize(im, (int) (im.width() * s), (int) (im.height() * s), Resample.Filter.LANCZOS);
    }

    /** The built-in "Nearest" upscaler. */
    static Upscaler nearest() {
        return (im, s) -> Resample.resize(im, (int) (im.width() * s), (int) (im.height() * s), Resample.Filter.NEAREST);
    }
}
