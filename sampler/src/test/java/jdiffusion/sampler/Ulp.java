package jdiffusion.sampler;

/** Distances between floats in units in the last place, for bit-exactness checks. */
public final class Ulp {
    private Ulp() {
    }

    /** Number of representable floats between a and b (0 when bit-identical or both zero). */
    public static long distance(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Long.MAX_VALUE;
        }
        return Math.abs(ordered(a) - ordered(b));
    }

    private static long ordered(float f) {
        int bits = Float.floatToIntBits(f);
        return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
    }

    /** Largest ulp distance between two arrays of the same length. */
    public static long maxDistance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        long max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, distance(a[i], b[i]));
        }
        return max;
    }

    /** Count of elements that are not bit-identical. */
    public static int mismatches(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
                n++;
            }
        }
        return n;
    }
}
