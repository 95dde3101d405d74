package jdiffusion.nn.tokenizer;

/**
 * Python 3 {@code str} semantics the webui's text handling relies on, where Java's built-ins differ:
 * which characters {@code str.isspace()} and the {@code re} module's {@code \s} accept (Java's
 * {@code \s} is ASCII-only), which count as word characters for {@code \w} / {@code \b}, and
 * {@code str.strip()}. Pure functions over code points.
 */
public final class PyText {
    private PyText() {
    }

    /**
     * Python's {@code str.isspace()} (and {@code re}'s {@code \s} on str patterns): bidirectional
     * class WS, B or S, or general category Zs. That is TAB..CR, the four information separators
     * U+1C..U+1F, SPACE, NEL, NBSP, OGHAM SPACE, U+2000..U+200A, LINE/PARAGRAPH SEPARATOR, NNBSP,
     * MMSP and IDEOGRAPHIC SPACE. Zero-width space U+200B is not whitespace.
     */
    public static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0
                || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029
                || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /**
     * A word character for Python's {@code re} ({@code \w}, and so {@code \b}): letters (L*),
     * numeric characters (Nd, Nl, No) and the underscore. Unlike Java's Unicode {@code \w}, marks
     * and connector punctuation other than '_' are not word characters.
     */
    public static boolean isWord(int cp) {
        if (cp == '_' || Character.isLetter(cp)) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** Python's {@code \d} on str: a decimal digit of any script (category Nd). */
    public static boolean isDecimal(int cp) {
        return Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER;
    }

    /** Is there a {@code \b} word boundary (Python semantics) at char index {@code i} of {@code s}? */
    public static boolean isWordBoundary(CharSequence s, int i) {
        boolean before = i > 0 && isWord(Character.codePointBefore(s, i));
        boolean after = i < s.length() && isWord(Character.codePointAt(s, i));
        return before != after;
    }

    /** Python's {@code str.strip()} without arguments: removes leading and trailing {@link #isSpace} characters. */
    public static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /**
     * {@code re.sub(r"\s+", " ", s).strip()}: every whitespace run becomes one space, then leading
     * and trailing whitespace is removed (CLIP's {@code whitespace_clean}).
     */
    public static String collapseWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean inSpace = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isSpace(cp)) {
                inSpace = true;
            } else {
                if (inSpace && !out.isEmpty()) {
                    out.append(' ');
                }
                inSpace = false;
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /**
     * Parses a decimal number the way Python's {@code float()} accepts the strings the webui's regexes
     * capture: optional sign, digits of any script (category Nd), at most one '.', surrounding
     * whitespace allowed. Returns NaN when the text is not such a number (e.g. "1.2.3", ".").
     */
    public static double parseFloat(String s) {
        String t = strip(s);
        StringBuilder ascii = new StringBuilder(t.length());
        int dots = 0;
        int digits = 0;
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            i += Character.charCount(cp);
            if (isDecimal(cp)) {
                ascii.append((char) ('0' + Character.digit(cp, 10)));
                digits++;
            } else if (cp == '.') {
                dots++;
                ascii.append('.');
            } else if ((cp == '+' || cp == '-') && ascii.isEmpty()) {
                ascii.append((char) cp);
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0 || dots > 1) {
            return Double.NaN;
        }
        return Double.parseDouble(ascii.toString());
    }
}
