package jdiffusion.sampler;

/**
 * float32 exp, log, expm1 and pow computed the way PyTorch's CPU kernels compute them in the build the
 * references ran on: SLEEF 3.5's 1.0-ulp vector functions ({@code Sleef_expf8_u10}, {@code logf8_u10},
 * {@code expm1f8_u10}, {@code powf8_u10}) in their AVX2/FMA variant, which ATen's {@code Vectorized<float>}
 * uses for every element of a float tensor, 0-dim ones included. Implemented from the published
 * algorithms (Cody–Waite reduction, minimax polynomials, and "double-float" pairs (hi, lo) whose
 * products carry their rounding error through fused multiply-adds), lane by lane.
 *
 * <p>These are not correctly rounded: about 1% of results differ by one ulp from the exact rounding.
 * Matching them is what makes schedules and sampler coefficients bit-identical to the fixtures.
 */
public final class SleefF32 {
    private static final float R_LN2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;
    private static final float L2U = 0.693145751953125f;
    private static final float L2L = 1.428606765330187045e-06f;
    private static final float LN2_HI = 0.69314718246459960938f;
    private static final float LN2_LO = -1.904654323148236017e-09f;
    private static final float FOUR_THIRDS = 1.0f / 0.75f;
    private static final float TWO_POW_64 = (float) (1L << 32) * (float) (1L << 32);

    private SleefF32() {
    }

    // ---- helpers: a double-float is (x, y) with value x + y ----------------------------------------

    /** {@code _mm256_cvtps_epi32}: round half to even; NaN and out-of-range give 0x80000000. */
    private static int rint(float f) {
        double r = Math.rint(f);
        if (Double.isNaN(r) || r >= 2147483648.0 || r < -2147483648.0) {
            return Integer.MIN_VALUE;
        }
        return (int) r;
    }

    private static float pow2i(int q) {
        return Float.intBitsToFloat((q + 0x7f) << 23);
    }

    private static float ldexp2(float d, int e) {
        return d * pow2i(e >> 1) * pow2i(e - (e >> 1));
    }

    private static float ldexp3(float d, int q) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(d) + (q << 23));
    }

    private static float ldexp(float x, int q) {
        int m = q >> 31;
        m = (((m + q) >> 6) - m) << 4;
        q = q - (m << 2);
        m = m + 0x7f;
        m = m > 0 ? m : 0;
        m = m > 0xff ? 0xff : m;
        float u = Float.intBitsToFloat(m << 23);
        x = x * u * u * u * u;
        u = Float.intBitsToFloat((q + 0x7f) << 23);
        return x * u;
    }

    private static int ilogb2k(float d) {
        return ((Float.floatToRawIntBits(d) >>> 23) & 0xff) - 0x7f;
    }

    /** Result of a double-float operation. */
    private record DF(float x, float y) {
    }

    private static DF add2(float x, float y) {
        float s = x + y;
        float v = s - x;
        return new DF(s, (x - (s - v)) + (y - v));
    }

    private static DF add2(DF x, float y) {
        float s = x.x + y;
        float v = s - x.x;
        float t = (x.x - (s - v)) + (y - v);
        return new DF(s, t + x.y);
    }

    private static DF add2(DF x, DF y) {
        float s = x.x + y.x;
        float v = s - x.x;
        float t = (x.x - (s - v)) + (y.x - v);
        return new DF(s, t + (x.y + y.y));
    }

    private static DF add(DF x, DF y) {
        float s = x.x + y.x;
        return new DF(s, (((x.x - s) + y.x) + x.y) + y.y);
    }

    private static DF add(DF x, float y) {
        float s = x.x + y;
        return new DF(s, ((x.x - s) + y) + x.y);
    }

    private static DF add(float x, DF y) {
        float s = x + y.x;
        return new DF(s, ((x - s) + y.x) + y.y);
    }

    private static DF scale(DF d, float s) {
        return new DF(d.x * s, d.y * s);
    }

    private static DF normalize(DF t) {
        float s = t.x + t.y;
        return new DF(s, (t.x - s) + t.y);
    }

    private static DF mul(DF x, float y) {
        float s = x.x * y;
        return new DF(s, Math.fma(x.y, y, Math.fma(x.x, y, -s)));
    }

    private static DF mul(DF x, DF y) {
        float s = x.x * y.x;
        return new DF(s, Math.fma(x.x, y.y, Math.fma(x.y, y.x, Math.fma(x.x, y.x, -s))));
    }

    private static DF squ(DF x) {
        float s = x.x * x.x;
        return new DF(s, Math.fma(x.x + x.x, x.y, Math.fma(x.x, x.x, -s)));
    }

    private static DF div(DF n, DF d) {
        float t = 1.0f / d.x;
        float s = n.x * t;
        float u = Math.fma(t, n.x, -s);
        float v = Math.fma(-d.y, t, Math.fma(-d.x, t, 1));
        return new DF(s, Math.fma(s, v, Math.fma(n.y, t, u)));
    }

    // ---- the functions --------------------------------------------------------------------------------

    /** {@code Sleef_expf_u10}. */
    public static float exp(float d) {
        int q = rint(d * R_LN2);
        float qf = q;
        float s = Math.fma(qf, -L2U, d);
        s = Math.fma(qf, -L2L, s);
        float u = 0.000198527617612853646278381f;
        u = Math.fma(u, s, 0.00139304355252534151077271f);
        u = Math.fma(u, s, 0.00833336077630519866943359f);
        u = Math.fma(u, s, 0.0416664853692054748535156f);
        u = Math.fma(u, s, 0.166666671633720397949219f);
        u = Math.fma(u, s, 0.5f);
        u = 1.0f + Math.fma(s * s, u, s);
        u = ldexp2(u, q);
        if (d < -104) {
            u = 0;
        }
        if (100 < d) {
            u = Float.POSITIVE_INFINITY;
        }
        return u;
    }

    /** {@code Sleef_logf_u10}. */
    public static float log(float d) {
        boolean tiny = d < Float.MIN_NORMAL;
        if (tiny) {
            d = d * TWO_POW_64;
        }
        int e = ilogb2k(d * FOUR_THIRDS);
        float m = ldexp3(d, -e);
        if (tiny) {
            e -= 64;
        }
        DF s = mul(new DF(LN2_HI, LN2_LO), (float) e);
        DF x = div(add2(-1f, m), add2(1f, m));
        float x2 = x.x * x.x;
        float t = 0.3027294874e+0f;
        t = Math.fma(t, x2, 0.3996108174e+0f);
        t = Math.fma(t, x2, 0.6666694880e+0f);
        s = add(s, scale(x, 2));
        s = add(s, (x2 * x.x) * t);
        float r = s.x + s.y;
        if (d == Float.POSITIVE_INFINITY) {
            r = Float.POSITIVE_INFINITY;
        }
        if (d < 0 || Float.isNaN(d)) {
            r = Float.NaN;
        }
        if (d == 0) {
            r = Float.NEGATIVE_INFINITY;
        }
        return r;
    }

    private static DF expk2(DF d) {
        float u = (d.x + d.y) * R_LN2;
        int q = rint(u);
        DF s = add2(d, q * -L2U);
        s = add2(s, q * -L2L);
        u = 0.1980960224e-3f;
        u = Math.fma(u, s.x, 0.1394256484e-2f);
        u = Math.fma(u, s.x, 0.8333456703e-2f);
        u = Math.fma(u, s.x, 0.4166637361e-1f);
        DF t = add2(mul(s, u), 0.166666659414234244790680580464e+0f);
        t = add2(mul(s, t), 0.5f);
        t = add2(s, mul(squ(s), t));
        t = add(1f, t);
        float tx = ldexp2(t.x, q);
        float ty = ldexp2(t.y, q);
        if (d.x < -104) {
            tx = 0;
            ty = 0;
        }
        return new DF(tx, ty);
    }

    /** {@code Sleef_expm1f_u10}. */
    public static float expm1(float a) {
        DF d = add2(expk2(new DF(a, 0)), -1.0f);
        float x = d.x + d.y;
        if (a > 88.72283172607421875f) {
            x = Float.POSITIVE_INFINITY;
        }
        if (a < -16.635532333438687426013570f) {
            x = -1;
        }
        if (Float.floatToRawIntBits(a) == 0x80000000) {
            x = -0.0f;
        }
        return x;
    }

    private static DF logk(float d) {
        boolean tiny = d < Float.MIN_NORMAL;
        if (tiny) {
            d = d * TWO_POW_64;
        }
        int e = ilogb2k(d * FOUR_THIRDS);
        float m = ldexp3(d, -e);
        if (tiny) {
            e -= 64;
        }
        DF x = div(add2(-1f, m), add2(1f, m));
        DF x2 = squ(x);
        float t = 0.240320354700088500976562f;
        t = Math.fma(t, x2.x, 0.285112679004669189453125f);
        t = Math.fma(t, x2.x, 0.400007992982864379882812f);
        DF c = new DF(0.66666662693023681640625f, 3.69183861259614332084311e-09f);
        DF s = mul(new DF(LN2_HI, LN2_LO), (float) e);
        s = add(s, scale(x, 2));
        return add(s, mul(mul(x2, x), add2(mul(x2, t), c)));
    }

    private static float expk(DF d) {
        float u = (d.x + d.y) * R_LN2;
        int q = rint(u);
        DF s = add2(d, q * -L2U);
        s = add2(s, q * -L2L);
        s = normalize(s);
        u = 0.00136324646882712841033936f;
        u = Math.fma(u, s.x, 0.00836596917361021041870117f);
        u = Math.fma(u, s.x, 0.0416710823774337768554688f);
        u = Math.fma(u, s.x, 0.166665524244308471679688f);
        u = Math.fma(u, s.x, 0.499999850988388061523438f);
        DF t = add(s, mul(squ(s), u));
        t = add(1f, t);
        u = ldexp(t.x + t.y, q);
        if (d.x < -104) {
            u = 0;
        }
        return u;
    }

    /** {@code Sleef_powf_u10}, with its IEEE special cases. */
    public static float pow(float x, float y) {
        boolean yIsInt = (float) (long) y == y || Math.abs(y) > (1 << 24);
        boolean yIsOdd = yIsInt && Math.abs(y) < (1 << 24) && (((int) y) & 1) == 1;
        float result = expk(mul(logk(Math.abs(x)), y));
        if (Float.isNaN(result)) {
            result = Float.POSITIVE_INFINITY;
        }
        result *= x > 0 ? 1 : (yIsInt ? (yIsOdd ? -1f : 1f) : Float.NaN);
        // vmulsign: flip the sign of |x| − 1 when y is negative (sign-bit xor).
        float efx = Float.intBitsToFloat(Float.floatToRawIntBits(Math.abs(x) - 1) ^ (Float.floatToRawIntBits(y) & 0x80000000));
        if (Float.isInfinite(y)) {
            result = efx < 0 ? 0 : (efx == 0 ? 1 : Float.POSITIVE_INFINITY);
        }
        if (Float.isInfinite(x) || x == 0) {
            float sign = yIsOdd ? Math.copySign(1f, x) : 1;
            result = sign * ((x == 0 ? -y : y) < 0 ? 0 : Float.POSITIVE_INFINITY);
        }
        if (Float.isNaN(x) || Float.isNaN(y)) {
            result = Float.NaN;
        }
        if (y == 0 || x == 1) {
            result = 1;
        }
        return result;
    }

    private static DF add(float x, float y) {
        float s = x + y;
        return new DF(s, (x - s) + y);
    }

    private static DF rec(DF d) {
        float s = 1.0f / d.x;
        return new DF(s, s * Math.fma(-d.y, s, Math.fma(-d.x, s, 1)));
    }

    /** {@code Sleef_tanf_u10} for |d| &lt; 125 (its fast path); larger arguments fall back to StrictMath. */
    public static float tan(float d) {
        if (!(Math.abs(d) < 125.0f)) {
            return (float) StrictMath.tan(d);
        }
        float u = (float) Math.rint(d * (float) (2 * 0.318309886183790671537767526745028724));
        int q = (int) u;
        float v = Math.fma(u, -3.1414794921875f * 0.5f, d);
        DF s = add2(v, u * (-0.00011315941810607910156f * 0.5f));
        s = add(s, u * (-1.9841872589410058936e-09f * 0.5f));
        boolean odd = (q & 1) == 1;
        if (odd) {
            s = new DF(-s.x, -s.y);
        }
        DF t = s;
        s = normalize(squ(s));
        u = 0.00446636462584137916564941f;
        u = Math.fma(u, s.x, -8.3920182078145444393158e-05f);
        u = Math.fma(u, s.x, 0.0109639242291450500488281f);
        u = Math.fma(u, s.x, 0.0212360303848981857299805f);
        u = Math.fma(u, s.x, 0.0540687143802642822265625f);
        DF x = add(0.133325666189193725585938f, u * s.x);
        x = add(1f, mul(add(0.33333361148834228515625f, mul(s, x)), s));
        x = mul(t, x);
        if (odd) {
            x = rec(x);
        }
        u = x.x + x.y;
        return Float.floatToRawIntBits(d) == 0x80000000 ? d : u;
    }

    /** {@code Sleef_atanf_u10}. */
    public static float atan(float d) {
        DF y = new DF(Math.abs(d), 0);
        DF x = new DF(1, 0);
        int q = 0;
        boolean p = x.x < y.x;
        if (p) {
            q = 1;
        }
        DF s = p ? new DF(-x.x, -x.y) : y;
        DF t = p ? y : x;
        s = div(s, t);
        t = normalize(squ(s));
        float u = -0.00176397908944636583328247f;
        u = Math.fma(u, t.x, 0.0107900900766253471374512f);
        u = Math.fma(u, t.x, -0.0309564601629972457885742f);
        u = Math.fma(u, t.x, 0.0577365085482597351074219f);
        u = Math.fma(u, t.x, -0.0838950723409652709960938f);
        u = Math.fma(u, t.x, 0.109463557600975036621094f);
        u = Math.fma(u, t.x, -0.142626821994781494140625f);
        u = Math.fma(u, t.x, 0.199983194470405578613281f);
        t = mul(t, add(-0.333332866430282592773438f, u * t.x));
        t = mul(s, add(1f, t));
        t = add(mul(new DF(1.5707963705062866211f, -4.3711388286737928865e-08f), (float) q), t);
        float r = t.x + t.y;
        if (Float.isInfinite(d)) {
            r = 1.570796326794896557998982f;
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) ^ (Float.floatToRawIntBits(d) & 0x80000000));
    }
}
