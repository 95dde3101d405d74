package jdiffusion.nn.tokenizer;

import java.util.regex.Pattern;

/**
 * ftfy 6.1's mojibake detector ({@code badness.is_bad}): about 400 characters that appear when
 * UTF-8 is decoded as a single-byte code page are sorted into categories, and a text "looks bad"
 * when it contains an unlikely juxtaposition of them (e.g. an accented lower-case letter followed by
 * a currency sign). ftfy only attempts re-decoding when this says yes.
 *
 * <p>The categories are ftfy's character sets (data, written as code points here); the pattern is
 * the same ordered list of juxtapositions, one alternative per rule.
 */
final class MojibakeBadness {
    static final String COMMON = "\u00A0\u00AD\u00B7\u00B4\u2013\u2014\u2015\u2026\u2019";
    static final String C1 = "\u0080-\u009F";
    static final String BAD = "\u00A6\u00A4\u00A8\u00AC\u00AF\u00B6\u00A7\u00B8\u0192\u02C6\u02C7\u02D8\u02DB\u02DC"
            + "\u2020\u2021\u2030\u2310\u25CA\uFFFD\u00AA\u00BA";
    static final String CURRENCY = "\u00A2\u00A3\u00A5\u20A7\u20AC";
    static final String START_PUNCT = "\u00A1\u00AB\u00BF\u00A9\u0384\u0385\u2018\u201A\u201C\u201E\u2022\u2039\uF8FF";
    static final String END_PUNCT = "\u00AE\u00BB\u02DD\u201D\u203A\u2122";
    static final String NUMERIC = "\u00B2\u00B3\u00B9\u00B1\u00BC\u00BD\u00BE\u00D7\u00B5\u00F7\u2044\u2202\u2206\u220F"
            + "\u2211\u221A\u221E\u2229\u222B\u2248\u2260\u2261\u2264\u2265\u2116";
    static final String KAOMOJI = "\u00D2-\u00D6\u00D9-\u00DC\u00F2-\u00F6\u00F8-\u00FC\u0150\u00B0";
    static final String UPPER_ACCENTED = "\u00C0-\u00D1\u00D8\u00DC\u00DD\u0102\u0104\u0106\u010C\u010E\u0110\u0118\u011A"
            + "\u011E\u0130\u0139\u013D\u0141\u0143\u0147\u0152\u0158\u015A\u015E\u0160\u0162\u0164\u016E\u0170\u0178"
            + "\u0179\u017B\u017D\u0490";
    static final String LOWER_ACCENTED = "\u00DF\u00E0-\u00F1\u0103\u0105\u0107\u010D\u010F\u0111\u0119\u011B\u011F"
            + "\u013A\u013E\u0142\u0153\u0155\u015B\u015F\u0161\u0165\u00FC\u017A\u017C\u017E\u0491\uFB01\uFB02";
    static final String UPPER_COMMON = "\u00DE\u0391-\u03A9\u0386\u0388\u0389\u038A\u038C\u038E\u038F\u03AA\u03AB\u0401-\u042F";
    static final String LOWER_COMMON = "\u03B1-\u03C9\u03AC\u03AD\u03AE\u03AF\u03B0\u0430-\u045F";
    static final String BOX = "\u2502\u250C\u2510\u2518\u251C\u2524\u252C\u253C\u2550-\u256C\u2580\u2584\u2588\u258C"
            + "\u2590\u2591\u2592\u2593";

    /** Python's {@code \s} as a class body. */
    static final String PY_SPACE = "\\x09-\\x0D\\x1C-\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    /** Python's {@code \w} as a class body. */
    static final String PY_WORD = "\\p{L}\\p{Nd}\\p{Nl}\\p{No}_";

    private static final Pattern BADNESS = Pattern.compile(String.join("|",
            c(C1),
            c(BAD + LOWER_ACCENTED + UPPER_ACCENTED + BOX + START_PUNCT + END_PUNCT + CURRENCY + NUMERIC) + c(BAD),
            "[a-zA-Z]" + c(LOWER_COMMON + UPPER_COMMON) + c(BAD),
            c(BAD) + c(LOWER_ACCENTED + UPPER_ACCENTED + BOX + START_PUNCT + END_PUNCT + CURRENCY + NUMERIC),
            c(LOWER_ACCENTED + LOWER_COMMON + BOX + END_PUNCT + CURRENCY + NUMERIC) + c(UPPER_ACCENTED),
            c(BOX + END_PUNCT + CURRENCY + NUMERIC) + c(LOWER_ACCENTED),
            c(LOWER_ACCENTED + BOX + END_PUNCT) + c(CURRENCY),
            c(PY_SPACE) + c(UPPER_ACCENTED) + c(CURRENCY),
            c(UPPER_ACCENTED + BOX) + c(NUMERIC),
            c(LOWER_ACCENTED + UPPER_ACCENTED + BOX + CURRENCY + END_PUNCT) + c(START_PUNCT) + c(NUMERIC),
            c(LOWER_ACCENTED + UPPER_ACCENTED + CURRENCY + NUMERIC + BOX) + c(END_PUNCT) + c(START_PUNCT),
            c(CURRENCY + NUMERIC + BOX) + c(START_PUNCT),
            "[a-z]" + c(UPPER_ACCENTED) + c(START_PUNCT + CURRENCY),
            c(BOX) + c(KAOMOJI),
            c(LOWER_ACCENTED + UPPER_ACCENTED + CURRENCY + NUMERIC + START_PUNCT + END_PUNCT) + c(BOX),
            c(BOX) + c(END_PUNCT),
            c(LOWER_ACCENTED + UPPER_ACCENTED) + c(END_PUNCT) + c(PY_WORD),
            // the ligature œ when not followed by an unaccented Latin letter
            "[\u0152\u0153][^A-Za-z]",
            // common Windows-1252 two-character mojibake not covered above
            "[\u00C2\u00C3\u00CE\u00D0]" + c("\u20AC\u0160\u0161\u00A2\u00A3\u0178\u017E\u00A0\u00AD\u00AE\u00A9\u00B0\u00B7\u00BB"
                    + START_PUNCT + END_PUNCT + "\u2013\u2014\u00B4"),
            "\u00D7[\u00B2\u00B3]",
            // Windows-1252 mojibake of Arabic: four characters required
            arabic() + arabic(),
            // South Asian scripts' three-byte sequences
            "\u00E0[\u00B2\u00B5\u00B9\u00BC\u00BD\u00BE]",
            // MacRoman mojibake
            "\u221A[\u00B1\u2202\u2020\u2260\u00AE\u2122\u00B4\u2264\u2265\u00A5\u00B5\u00F8]",
            "\u2248[\u00B0\u00A2]",
            "\u201A\u00C4[\u00EC\u00EE\u00EF\u00F2\u00F4\u00FA\u00F9\u00FB\u2020\u00B0\u00A2\u03C0]",
            "\u201A[\u00E2\u00F3][\u00E0\u00E4\u00B0\u00EA]",
            // Windows-1251 mojibake of the U+2000 range, of Latin-1 / Cyrillic
            "\u0432\u0402",
            "[\u0412\u0413\u0420\u0421]" + c(C1 + BAD + START_PUNCT + END_PUNCT + CURRENCY + "\u00B0\u00B5") + "[\u0412\u0413\u0420\u0421]",
            "\u0413\u045E\u0412\u0402\u0412.[A-Za-z ]",
            // Windows-1252 encodings of 'à', 'á' and of U+00A0 itself
            "\u00C3[\u00A0\u00A1]",
            "[a-z]" + c(PY_SPACE) + "?[\u00C3\u00C2][ ]",
            "^[\u00C3\u00C2][ ]",
            // Â standing before a character it encodes identically
            c("a-z.,?!" + END_PUNCT) + "\u00C2" + c(" " + START_PUNCT + END_PUNCT),
            // Windows-1253 mojibake
            "\u03B2\u20AC[\u2122\u00A0\u0386\u00AD\u00AE\u00B0]",
            "[\u0392\u0393\u039E\u039F]" + c(C1 + BAD + START_PUNCT + END_PUNCT + CURRENCY + "\u00B0") + "[\u0392\u0393\u039E\u039F]"),
            Pattern.UNIX_LINES);

    private MojibakeBadness() {
    }

    private static String c(String body) {
        return "[" + body + "]";
    }

    private static String arabic() {
        return "[\u00D8\u00D9]" + c(COMMON + CURRENCY + BAD + NUMERIC + START_PUNCT + "\u0178\u0160\u00AE\u00B0\u00B5\u00BB");
    }

    /** ftfy's {@code is_bad}: does the text contain a likely mojibake sequence? */
    static boolean isBad(CharSequence text) {
        return BADNESS.matcher(text).find();
    }
}
