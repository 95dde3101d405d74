package jdiffusion.sd.image;

/** The webui's mask normalisation steps ({@code modules/processing.py}). */
public final class Masks {
    private Masks() {
    }

    /**
     * {@code create_binary_mask(image, round)}: an RGBA mask whose alpha is not entirely 255 becomes
     * its alpha channel (thresholded to {@code 255 if a > 128 else 0} when {@code round}); any other
     * mask is {@code convert('L')} (luma for colour masks, never thresholded).
     */
    public static Image createBinaryMask(Image mask, boolean round) {
        if (mask.mode() == Mode.RGBA && !alphaAllOpaque(mask)) {
            Image alpha = mask.band(3);
            if (round) {
                byte[] d = alpha.data();
                for (int i = 0; i < d.length; i++) {
                    d[i] = (byte) ((d[i] & 0xff) > 128 ? 255 : 0);
                }
            }
            return alpha;
        }
        return Convert.convert(mask, Mode.L);
    }

    private static boolean alphaAllOpaque(Image rgba) {
        byte[] d = rgba.data();
        for (int i = 3; i < d.length; i += 4) {
            if ((d[i] & 0xff) != 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whole-picture overlay mask: {@code clip(float32(m)·2, 0, 255)} as uint8, band by band (the
     * processing-size mask is L for resize mode 0 and grey RGB otherwise).
     */
    public static Image doubled(Image mask) {
        Image out = mask.copy();
        byte[] d = out.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) Math.min(255, (d[i] & 0xff) * 2);
        }
        return out;
    }

    /**
     * The latent mask {@code nmask} (1 = regenerate) of a processing-size mask:
     * {@code mask.convert('RGB').resize((w8, h8))} with Pillow's default BICUBIC, band 0, divided by
     * 255 in float32, rounded half to even when {@code round}. Returns [h8·w8] row-major.
     */
    public static float[] latentMask(Image mask, int latentWidth, int latentHeight, boolean round) {
        // convert('RGB') repeats an L mask's band and keeps a grey-RGB one; band 0 is what is read,
        // and resizing is per band, so resizing band 0 alone gives the same values.
        Image grey = mask.mode() == Mode.L ? mask : Convert.convert(mask, Mode.RGB).band(0);
        Image small = Resample.resize(grey, latentWidth, latentHeight, Resample.Filter.BICUBIC);
        float[] out = new float[latentWidth * latentHeight];
        byte[] d = small.data();
        for (int i = 0; i < out.length; i++) {
            float v = (d[i] & 0xff) / 255f;
            out[i] = round ? (float) Math.rint(v) : v;
        }
        return out;
    }
}
