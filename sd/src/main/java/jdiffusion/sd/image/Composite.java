package jdiffusion.sd.image;

/**
 * Pillow's compositing primitives with their integer arithmetic ({@code libImaging/Paste.c},
 * {@code AlphaComposite.c}, {@code Blend.c}) and the webui's {@code flatten}.
 */
public final class Composite {
    private Composite() {
    }

    /**
     * {@code dst.paste(src, (x, y), mask)} in place. {@code src} is first converted to the
     * destination mode, except RGBA/RGBa pasted into RGB whose colour bytes are copied as they are.
     * With an L mask every band becomes {@code R255(dst·(255 − m) + src·m)}; an RGBA mask uses its
     * alpha. The mask must have the pasted image's size; the box is clipped to the destination.
     */
    public static void paste(Image dst, Image src, int x, int y, Image mask) {
        Image s = src;
        if (s.mode() != dst.mode()
                && !(dst.mode() == Mode.RGB && (s.mode() == Mode.RGBA || s.mode() == Mode.RGBa))) {
            s = Convert.convert(s, dst.mode());
        }
        if (mask != null && (mask.width() != s.width() || mask.height() != s.height())) {
            throw new IllegalArgumentException("paste mask of " + mask.width() + "x" + mask.height()
                    + " does not match the pasted image of " + s.width() + "x" + s.height() + " (images do not match)");
        }
        int maskBand;
        if (mask == null) {
            maskBand = -1;
        } else if (mask.mode() == Mode.L) {
            maskBand = 0;
        } else if (mask.mode() == Mode.RGBA || mask.mode() == Mode.LA) {
            maskBand = mask.bands() - 1;
        } else {
            throw new IllegalArgumentException("bad transparency mask mode " + mask.mode() + " (L, LA or RGBA expected)");
        }
        int sx0 = Math.max(0, -x);
        int sy0 = Math.max(0, -y);
        int dx0 = Math.max(0, x);
        int dy0 = Math.max(0, y);
        int w = Math.min(s.width() - sx0, dst.width() - dx0);
        int h = Math.min(s.height() - sy0, dst.height() - dy0);
        if (w <= 0 || h <= 0) {
            return;
        }
        int db = dst.bands();
        int sb = s.bands();
        byte[] d = dst.data();
        byte[] sd = s.data();
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                int di = ((dy0 + j) * dst.width() + dx0 + i) * db;
                int si = ((sy0 + j) * s.width() + sx0 + i) * sb;
                if (maskBand < 0) {
                    System.arraycopy(sd, si, d, di, db);
                    continue;
                }
                int m = mask.get(sx0 + i, sy0 + j, maskBand);
                for (int c = 0; c < db; c++) {
                    d[di + c] = (byte) Convert.div255((d[di + c] & 0xff) * (255 - m) + (sd[si + c] & 0xff) * m);
                }
            }
        }
    }

    /** {@code Image.composite(a, b, mask)}: a copy of {@code b} with {@code a} pasted through {@code mask}. */
    public static Image composite(Image a, Image b, Image mask) {
        Image out = b.copy();
        paste(out, a, 0, 0, mask);
        return out;
    }

    /**
     * {@code Image.blend(a, b, alpha)}: α = 0 copies a, α = 1 copies b, otherwise every byte is
     * {@code trunc(a + α·(b − a))} in float32 (clipped to 0..255 when α is outside [0, 1]).
     */
    public static Image blend(Image a, Image b, float alpha) {
        if (a.mode() != b.mode() || a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("blend needs images of one size and mode, got " + a + " and " + b);
        }
        if (alpha == 0f) {
            return a.copy();
        }
        if (alpha == 1f) {
            return b.copy();
        }
        Image out = Image.blank(a.width(), a.height(), a.mode());
        byte[] x = a.data();
        byte[] y = b.data();
        byte[] o = out.data();
        for (int i = 0; i < o.length; i++) {
            int p = x[i] & 0xff;
            float v = p + alpha * ((y[i] & 0xff) - p);
            o[i] = (byte) (alpha >= 0 && alpha <= 1 ? (int) v : v <= 0f ? 0 : v >= 255f ? 255 : (int) v);
        }
        return out;
    }

    /**
     * {@code Image.alpha_composite(dst, src)} for two RGBA images of one size: Pillow's integer
     * "over" operator. A fully opaque source pixel replaces the destination exactly and a fully
     * transparent one leaves it unchanged.
     */
    public static Image alphaComposite(Image dst, Image src) {
        if (dst.mode() != Mode.RGBA || src.mode() != Mode.RGBA) {
            throw new IllegalArgumentException("alpha_composite needs RGBA images, got " + dst.mode() + " and " + src.mode());
        }
        if (dst.width() != src.width() || dst.height() != src.height()) {
            throw new IllegalArgumentException("alpha_composite needs images of one size, got " + dst + " and " + src);
        }
        Image out = Image.blank(dst.width(), dst.height(), Mode.RGBA);
        byte[] d = dst.data();
        byte[] s = src.data();
        byte[] o = out.data();
        for (int i = 0; i < o.length; i += 4) {
            int sa = s[i + 3] & 0xff;
            if (sa == 0) {
                System.arraycopy(d, i, o, i, 4);
                continue;
            }
            long blend = (long) (d[i + 3] & 0xff) * (255 - sa);
            long outa255 = sa * 255L + blend;
            long coef1 = sa * 255L * 255L * 128L / outa255;
            long coef2 = 255L * 128L - coef1;
            for (int c = 0; c < 3; c++) {
                long t = (s[i + c] & 0xff) * coef1 + (d[i + c] & 0xff) * coef2 + (0x80L << 7);
                o[i + c] = (byte) ((((t >> 8) + t) >> 8) >> 7);
            }
            long ta = outa255 + 0x80;
            o[i + 3] = (byte) (((ta >> 8) + ta) >> 8);
        }
        return out;
    }

    /**
     * The in-place {@code dst.alpha_composite(src)} at (0, 0): when sizes differ the destination is
     * cropped to {@code src}'s box (zero outside), composited, and pasted back clipped.
     */
    public static void alphaCompositeInPlace(Image dst, Image src) {
        if (dst.width() == src.width() && dst.height() == src.height()) {
            Image r = alphaComposite(dst, src);
            System.arraycopy(r.data(), 0, dst.data(), 0, r.data().length);
            return;
        }
        Image background = dst.crop(0, 0, src.width(), src.height());
        paste(dst, alphaComposite(background, src), 0, 0, null);
    }

    /** {@code ImageOps.invert} of an L image: {@code 255 − v}. */
    public static Image invert(Image l) {
        if (l.mode() != Mode.L) {
            throw new IllegalArgumentException("invert expects an L image, got " + l.mode());
        }
        Image out = l.copy();
        byte[] d = out.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (255 - (d[i] & 0xff));
        }
        return out;
    }

    /**
     * The webui's {@code images.flatten(img, bgcolor)}: an RGBA image is pasted through its own
     * alpha onto a solid background, then every image is converted to RGB (LA just loses alpha).
     */
    public static Image flatten(Image im, int[] backgroundRgb) {
        if (im.mode() == Mode.RGBA) {
            Image bg = Image.filled(im.width(), im.height(), Mode.RGBA,
                    backgroundRgb[0], backgroundRgb[1], backgroundRgb[2], 255);
            paste(bg, im, 0, 0, im);
            return Convert.convert(bg, Mode.RGB);
        }
        return Convert.convert(im, Mode.RGB);
    }

    /** Parses the webui's {@code #rrggbb} background option. */
    public static int[] parseColor(String hex) {
        if (hex == null || !hex.matches("#[0-9a-fA-F]{6}")) {
            throw new IllegalArgumentException("background colour must look like #rrggbb, got '" + hex + "'");
        }
        int v = Integer.parseInt(hex.substring(1), 16);
        return new int[] {(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff};
    }
}
