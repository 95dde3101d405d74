package jdiffusion.sampler.rng;

/**
 * One lane of PyTorch's {@code normal_fill_16_AVX2}: {@code log256_ps} and {@code sincos256_ps} of
 * {@code avx_mathfun.h} (Pommier's port of the Cephes single-precision polynomials), evaluated in
 * float32 with the fused multiply-adds a GCC build contracts the intrinsics into. Lanes are
 * independent, so a scalar loop over them gives the vector kernel's bits.
 */
final class Avx2BoxMuller {
    private static final float SQRT_HALF = 0.707106781186547524f;
    private static final float[] LOG_P = {
        7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
        -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f};
    private static final float LOG_Q1 = -2.12194440e-4f;
    private static final float LOG_Q2 = 0.693359375f;
    private static final float FOUR_OVER_PI = 1.27323954473516f;
    private static final float DP1 = -0.78515625f;
    private static final float DP2 = -2.4187564849853515625e-4f;
    private static final float DP3 = -3.77489497744594108e-8f;
    private static final float COS_P0 = 2.443315711809948E-5f;
    private static final float COS_P1 = -1.388731625493765E-3f;
    private static final float COS_P2 = 4.166664568298827E-2f;
    private static final float SIN_P0 = -1.9515295891E-4f;
    private static final float SIN_P1 = 8.3321608736E-3f;
    private static final float SIN_P2 = -1.6666654611E-1f;
    /** {@code (float) (2.0f * c10::pi<double>)}, the kernel's {@code two_pi} vector. */
    static final float TWO_PI = (float) (2.0 * Math.PI);

    private Avx2BoxMuller() {
    }

    /** Transforms one block of 16 uniforms in place: d[o+j], d[o+j+8] for j &lt; 8. */
    static void fill16(float[] d, int o) {
        float[] sc = new float[2];
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - d[o + j];
            float u2 = d[o + j + 8];
            float radius = (float) Math.sqrt(-2f * log(u1));
            float theta = TWO_PI * u2;
            sinCos(theta, sc);
            d[o + j] = radius * sc[1];
            d[o + j + 8] = radius * sc[0];
        }
    }

    /** {@code log256_ps} for x &gt; 0. */
    static float log(float x) {
        x = Math.max(x, Float.MIN_NORMAL);
        int bits = Float.floatToRawIntBits(x);
        float e = (float) ((bits >>> 23) - 127) + 1f;
        float m = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f));
        float t;
        if (m < SQRT_HALF) {
            e -= 1f;
            t = (m - 1f) + m;
        } else {
            t = m - 1f;
        }
        float z = t * t;
        float y = LOG_P[0];
        for (int k = 1; k < LOG_P.length; k++) {
            y = Math.fma(y, t, LOG_P[k]);
        }
        y = y * t;
        y = Math.fma(y, z, e * LOG_Q1);
        y = y - z * 0.5f;
        float r = t + y;
        return Math.fma(e, LOG_Q2, r);
    }

    /** {@code sincos256_ps} for theta &gt;= 0: returns {sin, cos}. */
    static float[] sinCos(float theta) {
        float[] out = new float[2];
        sinCos(theta, out);
        return out;
    }

    /** {@code sincos256_ps} for theta &gt;= 0 into out = {sin, cos}. */
    static void sinCos(float theta, float[] out) {
        int j = (int) (theta * FOUR_OVER_PI);
        j = (j + 1) & ~1;
        float y = j;
        float x = Math.fma(y, DP1, theta);
        x = Math.fma(y, DP2, x);
        x = Math.fma(y, DP3, x);
        float z = x * x;
        float c = COS_P0;
        c = Math.fma(c, z, COS_P1);
        c = Math.fma(c, z, COS_P2);
        c = c * z;
        c = Math.fma(c, z, -(z * 0.5f));
        c = c + 1f;
        float s = SIN_P0;
        s = Math.fma(s, z, SIN_P1);
        s = Math.fma(s, z, SIN_P2);
        s = s * z;
        s = Math.fma(s, x, x);
        float sin = (j & 2) == 0 ? s : c;
        float cos = (j & 2) == 0 ? c : s;
        if ((j & 4) != 0) {
            sin = -sin;
        }
        if (((j - 2) & 4) == 0) {
            cos = -cos;
        }
        out[0] = sin;
        out[1] = cos;
    }
}
