package jdiffusion.loaders;

/** Makes names read from untrusted files safe to put in one-line error messages. */
public final class Printable {
    /** Longest name shown. */
    static final int MAX = 120;

    private Printable() {
    }

    /** {@code s} with control characters replaced by '?' and cut to {@value #MAX} characters. */
    public static String of(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < MAX; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > MAX ? sb + "..." : sb.toString();
    }
}
