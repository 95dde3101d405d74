package jdiffusion.sd.image;

/** The webui's conversion of a decoded VAE sample to pixels ({@code process_images_inner}). */
public final class Decode {
    private Decode() {
    }

    /**
     * One decoded image {@code [3, H, W]} (VAE output, ≈[−1, 1], CHW row-major) → RGB:
     * {@code clamp((x + 1)/2, 0, 1)} then {@code trunc(255·v)}, all in float32. Truncation, not
     * rounding: 0.999 maps to 254.
     */
    public static Image toImage(float[] chw, int width, int height) {
        int plane = width * height;
        if (chw.length != 3 * plane) {
            throw new IllegalArgumentException("decoded sample has " + chw.length + " values, expected 3x"
                    + height + "x" + width + " = " + 3 * plane);
        }
        Image out = Image.blank(width, height, Mode.RGB);
        byte[] d = out.data();
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                d[p * 3 + c] = (byte) quantize(clamp01((chw[c * plane + p] + 1.0f) / 2.0f));
            }
        }
        return out;
    }

    /** {@code clamp(v, 0, 1)} in float32 (NaN stays NaN). */
    public static float clamp01(float v) {
        return v < 0f ? 0f : v > 1f ? 1f : v;
    }

    /** {@code (255.·v).astype(uint8)} for v in [0, 1]: float32 product, truncated. */
    public static int quantize(float v01) {
        return (int) (255.0f * v01);
    }

    /** The float32 network input of an RGB image: {@code [3, H, W]} of {@code v / 255}. */
    public static float[] toChw01(Image rgb) {
        if (rgb.mode() != Mode.RGB) {
            throw new IllegalArgumentException("expected an RGB image, got " + rgb.mode());
        }
        int plane = rgb.width() * rgb.height();
        float[] out = new float[3 * plane];
        byte[] d = rgb.data();
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                out[c * plane + p] = (d[p * 3 + c] & 0xff) / 255.0f;
            }
        }
        return out;
    }
}
