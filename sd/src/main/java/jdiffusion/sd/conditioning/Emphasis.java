package jdiffusion.sd.conditioning;

import java.util.Locale;

/**
 * The webui option {@code emphasis} ({@code modules/sd_emphasis.py}, spec §3.4): what the
 * per-token attention weights do to the encoded chunk.
 */
public enum Emphasis {
    /** Multiply every token vector by its weight, then rescale so the mean of the whole chunk batch is unchanged (default). */
    ORIGINAL("Original"),
    /** Multiply by the weights, no renormalisation. */
    NO_NORM("No norm"),
    /** Parse the syntax (brackets disappear, BREAK works) but leave the vectors alone. */
    IGNORE("Ignore"),
    /** Do not parse at all: brackets are tokens, BREAK is a word. */
    NONE("None");

    private final String label;

    Emphasis(String label) {
        this.label = label;
    }

    /** The option value as the webui writes it (infotext "Emphasis: ..."). */
    public String label() {
        return label;
    }

    /** Parses a webui option value ("Original", "No norm", "Ignore", "None"), case-insensitively. */
    public static Emphasis fromLabel(String s) {
        for (Emphasis e : values()) {
            if (e.label.equalsIgnoreCase(s.strip()) || e.name().equalsIgnoreCase(s.strip())) {
                return e;
            }
        }
        throw new IllegalArgumentException("emphasis mode '" + s + "' is not one of Original, No norm, Ignore, None");
    }

    /**
     * The infotext entry {@code Emphasis: <mode>} the webui adds when a mode other than Original is
     * used and some encoded text contains '(' or '['; empty otherwise.
     */
    public java.util.Optional<String> infotextValue(java.util.Collection<String> texts) {
        if (this != ORIGINAL && texts.stream().anyMatch(t -> t.indexOf('(') >= 0 || t.indexOf('[') >= 0)) {
            return java.util.Optional.of(label);
        }
        return java.util.Optional.empty();
    }

    /** Whether prompt text is parsed for brackets and BREAK. */
    public boolean parses() {
        return this != NONE;
    }

    /**
     * Applies the weights in place. z: [n, t, c] float32 values (row-major), w: [n][t] weights.
     * Original: {@code m0 = mean(z)}; {@code z ← z·w}; {@code z ← z·(m0 / mean(z))}, means over every
     * element of the batch, each a float32 value (accumulated in double). All-ones weights leave z
     * bit-identical.
     */
    public void apply(float[] z, int n, int t, int c, float[][] w) {
        if (this == IGNORE || this == NONE || allOnes(w)) {
            return;
        }
        float m0 = this == ORIGINAL ? mean(z, n * t * c) : 0f;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < t; i++) {
                float m = w[b][i];
                int base = (b * t + i) * c;
                for (int k = 0; k < c; k++) {
                    z[base + k] *= m;
                }
            }
        }
        if (this == ORIGINAL) {
            float ratio = m0 / mean(z, n * t * c);
            for (int i = 0; i < n * t * c; i++) {
                z[i] *= ratio;
            }
        }
    }

    private static float mean(float[] z, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += z[i];
        }
        return (float) (s / len);
    }

    private static boolean allOnes(float[][] w) {
        for (float[] row : w) {
            for (float v : row) {
                if (v != 1f) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return label.toLowerCase(Locale.ROOT);
    }
}
