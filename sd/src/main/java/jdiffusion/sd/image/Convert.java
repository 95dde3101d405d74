package jdiffusion.sd.image;

/**
 * Pillow's {@code Image.convert(mode)} between 8-bit modes, with its exact integer rules
 * ({@code libImaging/Convert.c}):
 * <ul>
 *   <li>RGB/RGBA → L: {@code (19595·R + 38470·G + 7471·B + 32768) >> 16}, alpha ignored;</li>
 *   <li>L → RGB/RGBA: the grey value in every colour band, alpha 255;</li>
 *   <li>RGBA → RGB drops alpha without compositing; RGB → RGBA adds alpha 255;</li>
 *   <li>RGBA → RGBa premultiplies: {@code c' = R255(c·a)};</li>
 *   <li>RGBa → RGBA/RGB unpremultiplies: unchanged for a = 0 or 255, else {@code min(255, 255·c' div a)};</li>
 *   <li>LA → L drops alpha; LA → RGB(A) spreads the grey.</li>
 * </ul>
 */
public final class Convert {
    private Convert() {
    }

    /** Pillow's rounded division by 255 of a non-negative value ({@code DIV255}). */
    public static int div255(int v) {
        int t = v + 128;
        return ((t >> 8) + t) >> 8;
    }

    /** Pillow's RGB → L luma. */
    public static int luma(int r, int g, int b) {
        return (19595 * r + 38470 * g + 7471 * b + 0x8000) >> 16;
    }

    /** Returns {@code im} converted to {@code to} (a copy even when the mode already matches). */
    public static Image convert(Image im, Mode to) {
        Mode from = im.mode();
        if (from == to) {
            return im.copy();
        }
        Image out = Image.blank(im.width(), im.height(), to);
        byte[] s = im.data();
        byte[] d = out.data();
        int n = im.width() * im.height();
        int sb = from.bands();
        int db = to.bands();
        for (int p = 0; p < n; p++) {
            int i = p * sb;
            int o = p * db;
            int r;
            int g;
            int b;
            int a;
            if (from == Mode.L || from == Mode.LA) {
                r = g = b = s[i] & 0xff;
                a = from == Mode.LA ? s[i + 1] & 0xff : 255;
            } else {
                r = s[i] & 0xff;
                g = s[i + 1] & 0xff;
                b = s[i + 2] & 0xff;
                a = sb == 4 ? s[i + 3] & 0xff : 255;
                if (from == Mode.RGBa && a != 0 && a != 255) {
                    r = Math.min(255, 255 * r / a);
                    g = Math.min(255, 255 * g / a);
                    b = Math.min(255, 255 * b / a);
                }
            }
            switch (to) {
                case L -> d[o] = (byte) (from == Mode.L || from == Mode.LA ? r : luma(r, g, b));
                case LA -> {
                    d[o] = (byte) (from == Mode.L || from == Mode.LA ? r : luma(r, g, b));
                    d[o + 1] = (byte) a;
                }
                case RGB -> {
                    d[o] = (byte) r;
                    d[o + 1] = (byte) g;
                    d[o + 2] = (byte) b;
                }
                case RGBA -> {
                    d[o] = (byte) r;
                    d[o + 1] = (byte) g;
                    d[o + 2] = (byte) b;
                    // RGB → RGBA is opaque; LA/RGBa keep their alpha.
                    d[o + 3] = (byte) a;
                }
                case RGBa -> {
                    d[o] = (byte) div255(r * a);
                    d[o + 1] = (byte) div255(g * a);
                    d[o + 2] = (byte) div255(b * a);
                    d[o + 3] = (byte) a;
                }
            }
        }
        return out;
    }
}
