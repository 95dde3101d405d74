package jdiffusion.sd.pipeline;

import java.math.BigDecimal;

/** Range checks with the webui's labels in the message ("Denoising strength must be within [0, 1], got 1.3"). */
final class Ranges {
    private Ranges() {
    }

    static void check(String label, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(label + " must be within [" + num(lo) + ", " + num(hi) + "], got " + num(value));
        }
    }

    static void check(String label, long value, long lo, long hi) {
        if (value < lo || value > hi) {
            throw new IllegalArgumentException(label + " must be within [" + lo + ", " + hi + "], got " + value);
        }
    }

    /** A number as a person writes it: 1.3, 20, 0.05 (no trailing ".0", no exponent for ordinary sizes). */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
