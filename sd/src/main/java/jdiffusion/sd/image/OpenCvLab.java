package jdiffusion.sd.image;

/**
 * OpenCV's bit-exact 8-bit {@code cvtColor(RGB2LAB)} and {@code cvtColor(LAB2RGB)}
 * ({@code imgproc/src/color_lab.cpp}: {@code RGB2Lab_b}, {@code Lab2RGBinteger}), D65, sRGB gamma.
 * 8-bit Lab stores {@code L·255/100}, {@code a + 128}, {@code b + 128}.
 *
 * <p>The integer pipeline is copied exactly; its lookup tables are rebuilt here from their
 * defining formulas in the same float32/float64 operation order OpenCV uses (OpenCV evaluates them
 * with its soft-float library; {@code pow}/{@code cbrt} here are the JDK's, whose rare last-bit
 * differences would only matter on an exact rounding tie). The tests compare all 2^24 inputs of
 * each direction with a digest taken from OpenCV 4.6.0.
 */
public final class OpenCvLab {
    private static final int LAB_SHIFT = 12;
    private static final int GAMMA_SHIFT = 3;
    private static final int LAB_SHIFT2 = LAB_SHIFT + GAMMA_SHIFT;
    private static final int CBRT_TAB_SIZE = 256 * 3 / 2 * (1 << GAMMA_SHIFT);
    private static final int INV_GAMMA_SHIFT = 12;
    private static final int INV_GAMMA_TAB_SIZE = 1 << INV_GAMMA_SHIFT;
    private static final int BASE_SHIFT = 14;
    private static final int BASE = 1 << BASE_SHIFT;
    private static final int MIN_AB = -8145;
    private static final int XYZ_SHIFT = LAB_SHIFT + (BASE_SHIFT - INV_GAMMA_SHIFT);

    /** sRGB → XYZ (D65), rows X, Y, Z; OpenCV's exact double constants. */
    private static final double[] RGB2XYZ = bits(0x3fda65a14488c60dL, 0x3fd6e297396d0918L, 0x3fc71819d2391d58L,
            0x3fcb38cda6e75ff6L, 0x3fe6e297396d0918L, 0x3fb279aae6c8f755L,
            0x3f93cc4ac6cdaf4bL, 0x3fbe836eb4e98138L, 0x3fee68427418d691L);
    /** XYZ → sRGB, rows R, G, B. */
    private static final double[] XYZ2RGB = bits(0x4009ec804102ff8fL, 0xbff8982a9930be0eL, 0xbfdfe7ff583a53b9L,
            0xbfef042528ae74f3L, 0x3ffe040f23897204L, 0x3fa546d3f9e7b80bL,
            0x3fac7de5082cf52cL, 0xbfca1e14bdfd2631L, 0x3ff0eabef06b3786L);
    /** D65 white point. */
    private static final double[] WHITE = bits(0x3fee6a22b3892ee8L, 0x3ff0000000000000L, 0x3ff16b8950763a19L);

    private static final int[] GAMMA_TAB = new int[256];
    private static final int[] CBRT_TAB = new int[CBRT_TAB_SIZE];
    private static final int[] INV_GAMMA_TAB = new int[INV_GAMMA_TAB_SIZE];
    private static final int[] L_TO_Y = new int[256];
    private static final int[] L_TO_IFY = new int[256];
    private static final int[] AB_TO_XZ = new int[BASE * 9 / 4];
    private static final int[] TO_LAB = new int[9];
    private static final int[] TO_RGB = new int[9];

    static {
        float lthresh = 216f / 24389f;
        float lscale = 841f / 108f;
        float lbias = 16f / 116f;
        for (int i = 0; i < 256; i++) {
            float x = (float) i / 255f;
            GAMMA_TAB[i] = (int) Math.rint(2040f * (float) gamma((double) x));
        }
        float cbScale = 1f / 2040f;
        for (int i = 0; i < CBRT_TAB_SIZE; i++) {
            float x = cbScale * i;
            float f = x < lthresh ? Math.fma(x, lscale, lbias) : cbrtf(x);
            CBRT_TAB[i] = (int) Math.rint(32768f * f);
        }
        float invScale = 1f / INV_GAMMA_TAB_SIZE;
        for (int i = 0; i < INV_GAMMA_TAB_SIZE; i++) {
            float x = invScale * i;
            INV_GAMMA_TAB[i] = (int) Math.rint(255f * (float) invGamma((double) x));
        }
        for (int i = 0; i < 256; i++) {
            if (i <= 20) {
                L_TO_Y[i] = (int) Math.rint((float) (i * BASE * 20 * 9) / (float) (17 * 29 * 29 * 29));
                L_TO_IFY[i] = (int) Math.rint((float) BASE * (16f / 116f + (float) (i * 5) / (float) (3 * 17 * 29)));
            } else {
                float fy = (float) (i * 100 * BASE) / (float) (255 * 116) + (float) (16 * BASE) / 116f;
                L_TO_IFY[i] = (int) Math.rint(fy);
                L_TO_Y[i] = (int) Math.rint(fy * fy * fy / (float) (BASE * BASE));
            }
        }
        for (int i = MIN_AB; i < BASE * 9 / 4 + MIN_AB; i++) {
            int v = i <= 3390 ? i * 108 / 841 - BASE * 16 / 116 * 108 / 841 : i * i / BASE * i / BASE;
            AB_TO_XZ[i - MIN_AB] = v;
        }
        double labShift = 1 << LAB_SHIFT;
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                TO_LAB[r * 3 + c] = (int) Math.rint(labShift * RGB2XYZ[r * 3 + c] / WHITE[r]);
                // Lab -> RGB: row = output colour, column = X, Y, Z scaled by the white point.
                TO_RGB[r * 3 + c] = (int) Math.rint(labShift * XYZ2RGB[r * 3 + c] * WHITE[c]);
            }
        }
    }

    private OpenCvLab() {
    }

    private static double[] bits(long... raw) {
        double[] d = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            d[i] = Double.longBitsToDouble(raw[i]);
        }
        return d;
    }

    /**
     * OpenCV's soft-float {@code cbrt} (Turkowski's method): the mantissa, scaled into
     * [0.125, 1), goes through a quartic rational approximation in double, and the result's
     * mantissa is truncated (not rounded) to float. Reproducing this matters: table entries that
     * land on a rounding tie differ from a correctly rounded cube root.
     */
    static float cbrtf(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7fffffff) == 0) {
            return 0f;
        }
        int sign = bits >>> 31;
        int ex = ((bits >>> 23) & 0xff) - 127;
        int shx = ex % 3;
        shx -= shx >= 0 ? 3 : 0;
        ex = (ex - shx) / 3 - 1;
        double fr = Double.longBitsToDouble(((long) (shx + 1023) << 52) | ((long) (bits & 0x7fffff) << 29));
        double a1 = Double.longBitsToDouble(0x4046a09e6653ba70L);
        double a2 = Double.longBitsToDouble(0x406808f46c6116e0L);
        double a3 = Double.longBitsToDouble(0x405dca97439cae14L);
        double a4 = Double.longBitsToDouble(0x402add70d2827500L);
        double a5 = Double.longBitsToDouble(0x3fc4f15f83f55d2dL);
        double a6 = Double.longBitsToDouble(0x402d9e20660edb21L);
        double a7 = Double.longBitsToDouble(0x4062ff15c0285815L);
        double a8 = Double.longBitsToDouble(0x406510d06a8112ceL);
        double a9 = Double.longBitsToDouble(0x4040fecbc9e2c375L);
        fr = ((((a1 * fr + a2) * fr + a3) * fr + a4) * fr + a5)
                / ((((a6 * fr + a7) * fr + a8) * fr + a9) * fr + 1.0);
        long frac = Double.doubleToRawLongBits(fr) & 0xfffffffffffffL;
        return Float.intBitsToFloat((sign << 31) | ((ex + 127) << 23) | (int) (frac >>> 29));
    }

    /** sRGB decoding, evaluated in double and rounded to float by the caller. */
    private static double gamma(double x) {
        return x <= 809.0 / 20000.0 ? x / (323.0 / 25.0)
                : Math.pow((x + 11.0 / 200.0) / (1.0 + 11.0 / 200.0), 12.0 / 5.0);
    }

    private static double invGamma(double x) {
        return x <= 7827.0 / 2500000.0 ? x * (323.0 / 25.0)
                : Math.pow(x, 1.0 / (12.0 / 5.0)) * (1.0 + 11.0 / 200.0) - 11.0 / 200.0;
    }

    private static int descale(int v, int n) {
        return (v + (1 << (n - 1))) >> n;
    }

    private static int sat8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** One pixel RGB → 8-bit Lab, written to {@code out[o..o+2]}. */
    public static void rgbToLab(int r, int g, int b, byte[] out, int o) {
        int rr = GAMMA_TAB[r];
        int gg = GAMMA_TAB[g];
        int bb = GAMMA_TAB[b];
        int fx = CBRT_TAB[descale(rr * TO_LAB[0] + gg * TO_LAB[1] + bb * TO_LAB[2], LAB_SHIFT)];
        int fy = CBRT_TAB[descale(rr * TO_LAB[3] + gg * TO_LAB[4] + bb * TO_LAB[5], LAB_SHIFT)];
        int fz = CBRT_TAB[descale(rr * TO_LAB[6] + gg * TO_LAB[7] + bb * TO_LAB[8], LAB_SHIFT)];
        int lScale = (116 * 255 + 50) / 100;
        int lShift = -((16 * 255 * (1 << LAB_SHIFT2) + 50) / 100);
        out[o] = (byte) sat8(descale(lScale * fy + lShift, LAB_SHIFT2));
        out[o + 1] = (byte) sat8(descale(500 * (fx - fy) + 128 * (1 << LAB_SHIFT2), LAB_SHIFT2));
        out[o + 2] = (byte) sat8(descale(200 * (fy - fz) + 128 * (1 << LAB_SHIFT2), LAB_SHIFT2));
    }

    /** One pixel 8-bit Lab → RGB, written to {@code out[o..o+2]}. */
    public static void labToRgb(int l, int a, int b, byte[] out, int o) {
        int y = L_TO_Y[l];
        int ify = L_TO_IFY[l];
        int adiv = ((5 * a * 53687 + (1 << 7)) >> 13) - 128 * BASE / 500;
        int bdiv = ((b * 41943 + (1 << 4)) >> 9) - 128 * BASE / 200 + 1;
        int x = AB_TO_XZ[ify + adiv - MIN_AB];
        int z = AB_TO_XZ[ify - bdiv - MIN_AB];
        for (int c = 0; c < 3; c++) {
            int v = descale(TO_RGB[c * 3] * x + TO_RGB[c * 3 + 1] * y + TO_RGB[c * 3 + 2] * z, XYZ_SHIFT);
            v = Math.max(0, Math.min(INV_GAMMA_TAB_SIZE - 1, v));
            out[o + c] = (byte) sat8(INV_GAMMA_TAB[v]);
        }
    }

    /** {@code cv2.cvtColor(rgb, COLOR_RGB2LAB)}: an RGB image → a 3-band image of L, a, b bytes. */
    public static Image rgbToLab(Image rgb) {
        require(rgb);
        Image out = Image.blank(rgb.width(), rgb.height(), Mode.RGB);
        byte[] s = rgb.data();
        byte[] d = out.data();
        for (int i = 0; i < s.length; i += 3) {
            rgbToLab(s[i] & 0xff, s[i + 1] & 0xff, s[i + 2] & 0xff, d, i);
        }
        return out;
    }

    /** {@code cv2.cvtColor(lab, COLOR_LAB2RGB)}: 3 bands L, a, b → RGB. */
    public static Image labToRgb(Image lab) {
        require(lab);
        Image out = Image.blank(lab.width(), lab.height(), Mode.RGB);
        byte[] s = lab.data();
        byte[] d = out.data();
        for (int i = 0; i < s.length; i += 3) {
            labToRgb(s[i] & 0xff, s[i + 1] & 0xff, s[i + 2] & 0xff, d, i);
        }
        return out;
    }

    private static void require(Image im) {
        if (im.bands() != 3) {
            throw new IllegalArgumentException("Lab conversion needs a 3-band image, got " + im.mode());
        }
    }
}
