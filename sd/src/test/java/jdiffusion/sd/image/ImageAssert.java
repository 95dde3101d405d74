package jdiffusion.sd.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Pixel comparisons with messages that say where and by how much images differ. */
final class ImageAssert {
    private ImageAssert() {
    }

    /** Every byte equal; the failure names the first differing pixel and the count. */
    static void exact(Image expected, Image actual, String what) {
        assertEquals(expected.width() + "x" + expected.height() + " " + expected.mode(),
                actual.width() + "x" + actual.height() + " " + actual.mode(), what + ": size/mode");
        byte[] e = expected.data();
        byte[] a = actual.data();
        int diff = 0;
        int first = -1;
        int maxAbs = 0;
        for (int i = 0; i < e.length; i++) {
            int d = Math.abs((e[i] & 0xff) - (a[i] & 0xff));
            if (d != 0) {
                diff++;
                maxAbs = Math.max(maxAbs, d);
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (diff != 0) {
            int n = expected.bands();
            int p = first / n;
            fail(what + ": " + diff + " of " + e.length + " values differ (max |d| = " + maxAbs + "), first at x="
                    + p % expected.width() + " y=" + p / expected.width() + " band " + first % n + ": expected "
                    + (e[first] & 0xff) + ", got " + (a[first] & 0xff));
        }
    }

    /** Fixture rule for model-dependent uint8 outputs: ±1 on at most {@code maxFraction} of the values. */
    static double nearlyExact(Image expected, Image actual, double maxFraction, String what) {
        assertEquals(expected.width() + "x" + expected.height() + " " + expected.mode(),
                actual.width() + "x" + actual.height() + " " + actual.mode(), what + ": size/mode");
        byte[] e = expected.data();
        byte[] a = actual.data();
        int off = 0;
        for (int i = 0; i < e.length; i++) {
            int d = Math.abs((e[i] & 0xff) - (a[i] & 0xff));
            if (d > 1) {
                int p = i / expected.bands();
                fail(what + ": |d| = " + d + " at x=" + p % expected.width() + " y=" + p / expected.width());
            }
            off += d;
        }
        double frac = (double) off / e.length;
        if (frac > maxFraction) {
            fail(what + ": " + off + " values off by one (" + frac + " > " + maxFraction + ")");
        }
        return frac;
    }
}
