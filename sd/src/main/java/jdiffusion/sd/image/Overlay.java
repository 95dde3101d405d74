package jdiffusion.sd.image;

/** Building and applying the inpainting overlay ({@code modules/processing.py}). */
public final class Overlay {
    private Overlay() {
    }

    /**
     * The overlay image kept for the final composite: {@code base} (RGB) pasted as RGBa through
     * {@code 255 − overlayMask} onto a transparent canvas, converted to RGBA. Alpha is the inverted
     * mask; colours went through premultiply/unpremultiply.
     */
    public static Image create(Image base, Image overlayMask) {
        Image inv = Composite.invert(Convert.convert(overlayMask, Mode.L));
        Image canvas = Image.blank(base.width(), base.height(), Mode.RGBa);
        Composite.paste(canvas, Convert.convert(Convert.convert(base, Mode.RGBA), Mode.RGBa), 0, 0, inv);
        return Convert.convert(canvas, Mode.RGBA);
    }

    /**
     * {@code uncrop(image, dest_size, paste_loc)}: {@code image} crop-and-resized to the paste box
     * and pasted on a transparent RGBA canvas of {@code destW × destH}.
     */
    public static Image uncrop(Image image, int destW, int destH, int[] pasteTo, Resizer resizer) {
        Image base = Image.blank(destW, destH, Mode.RGBA);
        Image r = resizer.resize(ResizeMode.CROP_AND_RESIZE, image, pasteTo[2], pasteTo[3]);
        Composite.paste(base, r, pasteTo[0], pasteTo[1], null);
        return base;
    }

    /**
     * {@code apply_overlay(image, paste_loc, overlay)}: no overlay → the image unchanged; otherwise
     * (after {@link #uncrop} for Only masked) {@code RGB(alpha_composite(RGBA(image), overlay))}.
     */
    public static Image apply(Image generated, int[] pasteTo, Image overlay, Resizer resizer) {
        if (overlay == null) {
            return generated;
        }
        Image img = generated;
        if (pasteTo != null) {
            img = uncrop(generated, overlay.width(), overlay.height(), pasteTo, resizer);
        }
        Image rgba = Convert.convert(img, Mode.RGBA);
        Composite.alphaCompositeInPlace(rgba, overlay);
        return Convert.convert(rgba, Mode.RGB);
    }
}
