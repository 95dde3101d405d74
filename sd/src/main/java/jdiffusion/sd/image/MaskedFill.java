package jdiffusion.sd.image;

/**
 * "Masked content: fill" ({@code modules/masking.py: fill}), also applied for latent noise and
 * latent nothing: the masked area is filled with a cascade of ever less blurred copies of the
 * unmasked colours. The kept pixels come out unchanged (the last layer is the image itself).
 */
public final class MaskedFill {
    /** (Pillow GaussianBlur radius, times the layer is composited), coarse to fine. */
    private static final int[][] CASCADE = {{256, 1}, {64, 1}, {16, 2}, {4, 4}, {2, 2}, {0, 1}};

    private MaskedFill() {
    }

    /** {@code fill(image, mask)}: RGB image, mask of the same size (L or grey RGB, 255 = masked). */
    public static Image fill(Image image, Image mask) {
        Image inv = Composite.invert(Convert.convert(mask, Mode.L));
        if (inv.width() != image.width() || inv.height() != image.height()) {
            throw new IllegalArgumentException("fill mask of " + mask.width() + "x" + mask.height()
                    + " does not match the image of " + image.width() + "x" + image.height() + " (images do not match)");
        }
        // Premultiplied colour R255(c·inv) with alpha inv.
        Image masked = Image.blank(image.width(), image.height(), Mode.RGBa);
        Composite.paste(masked, Convert.convert(Convert.convert(image, Mode.RGBA), Mode.RGBa), 0, 0, inv);
        Image acc = Image.blank(image.width(), image.height(), Mode.RGBA);
        for (int[] step : CASCADE) {
            Image blurred = Convert.convert(BoxBlur.gaussianBlur(masked, step[0]), Mode.RGBA);
            for (int i = 0; i < step[1]; i++) {
                acc = Composite.alphaComposite(acc, blurred);
            }
        }
        return Convert.convert(acc, Mode.RGB);
    }
}
