package jdiffusion.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x in float with only lanewise arithmetic (fma, add, shifts), so the vector and scalar forms
 * give identical bits in every JIT tier and on every thread (the Vector API's EXP lanewise op maps
 * to SVML when compiled and to Math.exp when interpreted, which can differ in the last bit).
 *
 * <p>Method: x = n·ln2 + r with n = round(x/ln2) and |r| ≤ ln2/2 (ln2 split in two for an exact
 * product), e^r by its degree-7 Taylor polynomial (truncation error below 1e-8 relative), then
 * 2^n assembled in the exponent bits of two factors (2^⌊n/2⌋·2^⌈n/2⌉, so n = -126 and 128 need no special case). Max error vs the exact value: under 1 ulp (0.91 measured) over
 * [-87.3, 88.7] (ExpTest measures it). Below -87.33 the result is 0 (no subnormals), above 88.72 it
 * is +∞, NaN stays NaN.
 */
final class Exp {
    private Exp() {
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    static final float LO = -87.33f;
    static final float HI = 88.72f;
    private static final float C2 = 1f / 2;
    private static final float C3 = 1f / 6;
    private static final float C4 = 1f / 24;
    private static final float C5 = 1f / 120;
    private static final float C6 = 1f / 720;
    private static final float C7 = 1f / 5040;

    static float exp(float x) {
        if (!(x >= LO)) {
            return x != x ? x : 0f;
        }
        if (x > HI) {
            return Float.POSITIVE_INFINITY;
        }
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        int ni = Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUND);
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(C7, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int n1 = ni >> 1;
        return p * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((ni - n1 + 127) << 23);
    }

    static FloatVector exp(FloatVector x) {
        var tooLow = x.compare(VectorOperators.GE, LO).not();
        var tooHigh = x.compare(VectorOperators.GT, HI);
        var xc = x.max(LO).min(HI);
        var t = xc.fma(LOG2E, ROUND);
        var n = t.sub(ROUND);
        IntVector ni = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND));
        var sp = x.species();
        var r = n.fma(FloatVector.broadcast(sp, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(sp, -LN2_LO), r);
        var p = r.fma(C7, C6);
        p = p.fma(r, FloatVector.broadcast(sp, C5));
        p = p.fma(r, FloatVector.broadcast(sp, C4));
        p = p.fma(r, FloatVector.broadcast(sp, C3));
        p = p.fma(r, FloatVector.broadcast(sp, C2));
        p = p.fma(r, FloatVector.broadcast(sp, 1f));
        p = p.fma(r, FloatVector.broadcast(sp, 1f));
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        var s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        var s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        var y = p.mul(s1).mul(s2);
        y = y.blend(0f, tooLow);
        y = y.blend(Float.POSITIVE_INFINITY, tooHigh);
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }
}
