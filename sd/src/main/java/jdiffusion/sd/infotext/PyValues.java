package jdiffusion.sd.infotext;

import java.math.BigDecimal;

/**
 * Python's {@code str()} of the values the webui puts in an infotext, so a Java-built infotext is
 * byte-identical to the webui's: {@code True}/{@code False}, integers in decimal, floats in
 * {@code repr} form ({@code 7.0}, {@code 0.75}, {@code 1e-05}, {@code 1e+16}).
 */
public final class PyValues {
    private PyValues() {
    }

    /** {@code str(value)}; null is not allowed (the webui skips None values). */
    public static String str(Object value) {
        return switch (value) {
            case null -> throw new IllegalArgumentException("None values are skipped, not printed");
            case String s -> s;
            case Boolean b -> b ? "True" : "False";
            case Double d -> floatRepr(d);
            case Float f -> Float.isFinite(f) && f != 0 ? layout(Float.toString(f), f < 0) : floatRepr(f.doubleValue());
            case Number n -> n.toString();
            default -> value.toString();
        };
    }

    /**
     * Python {@code repr(float)}: the shortest round-tripping digits; positional notation when the
     * decimal exponent is in [-4, 16), else scientific with at least two exponent digits.
     */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest round-tripping digits (JDK 19+); re-layout them.
        return layout(Double.toString(d), d < 0);
    }

    /** Python's layout of shortest digits (numpy's float32 str uses the float's own shortest digits). */
    private static String layout(String javaRepr, boolean negative) {
        BigDecimal bd = new BigDecimal(javaRepr).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - bd.scale(); // value = d.ddd × 10^exp
        String sign = negative ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain;
            if (exp < 0) {
                plain = "0." + "0".repeat(-exp - 1) + digits;
            } else if (digits.length() <= exp + 1) {
                plain = digits + "0".repeat(exp + 1 - digits.length()) + ".0";
            } else {
                plain = digits.substring(0, exp + 1) + "." + digits.substring(exp + 1);
            }
            return sign + plain;
        }
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String e = String.format("%02d", Math.abs(exp));
        return sign + mant + "e" + (exp < 0 ? "-" : "+") + e;
    }
}
