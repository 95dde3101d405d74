package jdiffusion.nn.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ftfy 6.1's {@code fix_encoding}: when a text looks like mojibake ({@link MojibakeBadness}), try to
 * undo the wrong decoding by encoding it back with each single-byte code page ftfy knows and
 * decoding the bytes as UTF-8; then the smaller repairs (mojibake embedded in otherwise fine
 * text, Latin-1 C1 controls meant as Windows-1252). Steps repeat until the text stops changing.
 */
final class FtfyEncoding {
    /** UTF-8 that would be valid if a byte A0 had not become a space ({@code ALTERED_UTF8_RE}, on bytes as Latin-1 chars). */
    private static final Pattern ALTERED_UTF8 = Pattern.compile(
            "[\\xC2\\xC3\\xC5\\xCE\\xD0\\xD9][ ]"
                    + "|[\\xE2\\xE3][ ][\\x80-\\x84\\x86-\\x9F\\xA1-\\xBF]"
                    + "|[\\xE0-\\xE3][\\x80-\\x84\\x86-\\x9F\\xA1-\\xBF][ ]"
                    + "|[\\xF0][ ][\\x80-\\xBF][\\x80-\\xBF]"
                    + "|[\\xF0][\\x80-\\xBF][ ][\\x80-\\xBF]"
                    + "|[\\xF0][\\x80-\\xBF][\\x80-\\xBF][ ]");
    /** "Ã " as a whole word is "à" followed by a space, except in the Portuguese contractions. */
    private static final Pattern A_GRAVE_WORD = Pattern.compile("\\xC3 (?! |quele|quela|quilo|s )");
    /** UTF-8 sequences some of whose bytes were lost as U+FFFD (byte 1A) or '?' ({@code LOSSY_UTF8_RE}). */
    private static final Pattern LOSSY_UTF8 = Pattern.compile(
            "[\\xC2-\\xDF][\\x1A]"
                    + "|[\\xC2-\\xC3][?]"
                    + "|\\xED[\\xA0-\\xAF][\\x1A?]\\xED[\\xB0-\\xBF][\\x1A?\\x80-\\xBF]"
                    + "|\\xED[\\xA0-\\xAF][\\x1A?\\x80-\\xBF]\\xED[\\xB0-\\xBF][\\x1A?]"
                    + "|[\\xE0-\\xEF][\\x1A?][\\x1A\\x80-\\xBF]"
                    + "|[\\xE0-\\xEF][\\x1A\\x80-\\xBF][\\x1A?]"
                    + "|[\\xF0-\\xF4][\\x1A?][\\x1A\\x80-\\xBF][\\x1A\\x80-\\xBF]"
                    + "|[\\xF0-\\xF4][\\x1A\\x80-\\xBF][\\x1A?][\\x1A\\x80-\\xBF]"
                    + "|[\\xF0-\\xF4][\\x1A\\x80-\\xBF][\\x1A\\x80-\\xBF][\\x1A?]"
                    + "|\\x1A");

    // ftfy's UTF8_CLUES: characters that a Latin-1-like code page decodes UTF-8 lead / continuation bytes to.
    private static final String FIRST_OF_2 = "\u00C2-\u00DF\u0102\u0106\u010C\u010E\u0110\u0118\u011A\u011E\u0130\u0139"
            + "\u0143\u0147\u0150\u0158\u015E\u0162\u016E\u0170\u0392-\u03A1\u03A3-\u03AF\u0412-\u042F";
    private static final String FIRST_OF_3 = "\u00E0-\u00EF\u0103\u0107\u010D\u010F\u0119\u011B\u013A\u0155\u03B0-\u03BF\u0430-\u043F";
    private static final String FIRST_OF_4 = "\u00F0\u00F3\u0111\u011F\u03C0\u03C3\u0440\u0443";
    private static final String CONTINUATION_STRICT = "\u0080-\u00BF\u0104\u0105\u013D\u013E\u0141\u0142\u0152\u0153\u015A"
            + "\u015B\u015E\u015F\u0160\u0161\u0164\u0165\u0178\u0179\u017A\u017B\u017C\u017D\u017E\u0192\u02C6\u02C7\u02D8"
            + "\u02DB\u02DC\u02DD\u0384\u0385\u0386\u0388\u0389\u038A\u038C\u038E\u038F\u0401-\u040C\u040E\u040F\u0451-\u045C"
            + "\u045E\u045F\u0490\u0491\u2020\u2021\u2022\u2030\u2039\u203A\u20AC\u2116\u2122";
    /** Continuation clues, loosely: also dashes, quotes, ellipsis and a space standing for U+00A0. */
    private static final String CONTINUATION = CONTINUATION_STRICT + "\u2013\u2014\u2015\u2018\u2019\u201A\u201C\u201D\u201E\u2026 ";
    /** Runs of likely UTF-8 mojibake not preceded by another mojibake character ({@code UTF8_DETECTOR_RE}). */
    private static final Pattern UTF8_DETECTOR = Pattern.compile(
            "(?<![" + CONTINUATION_STRICT + "])(?:[" + FIRST_OF_2 + "][" + CONTINUATION + "]"
                    + "|[" + FIRST_OF_3 + "][" + CONTINUATION + "]{2}"
                    + "|[" + FIRST_OF_4 + "][" + CONTINUATION + "]{3})+");

    private FtfyEncoding() {
    }

    /** {@code fix_encoding}: repeats single repair steps until the text no longer changes. */
    static String fixEncoding(String text) {
        while (true) {
            String next = oneStep(text);
            if (next.equals(text)) {
                return text;
            }
            text = next;
        }
    }

    private static String oneStep(String text) {
        if (text.isEmpty() || isAscii(text) || !MojibakeBadness.isBad(text)) {
            return text;
        }
        List<String> possible = new ArrayList<>();
        for (SingleByteCharsets.Table enc : SingleByteCharsets.CHARMAP) {
            if (!enc.canEncode(text)) {
                continue;
            }
            possible.add(enc.name());
            byte[] bytes = enc.encodeAll(text);
            if (ALTERED_UTF8.matcher(latin1(bytes)).find()) {
                bytes = restoreByteA0(bytes);
            }
            if (enc.sloppy()) {
                bytes = replaceLossySequences(bytes);
            }
            boolean variants = contains(bytes, 0xED) || contains(bytes, 0xC0);
            String decoded = Utf8.decode(bytes, variants);
            if (decoded != null) {
                return decoded;
            }
        }
        if (UTF8_DETECTOR.matcher(text).find()) {
            String fixed = decodeInconsistentUtf8(text);
            if (!fixed.equals(text)) {
                return fixed;
            }
        }
        // ftfy asks whether "windows-1252" is among the possible encodings, but the list holds the
        // name "sloppy-windows-1252", so this branch always re-reads Latin-1 as strict Windows-1252.
        if (possible.contains(SingleByteCharsets.LATIN_1.name())) {
            String fixed = latin1AsStrictWindows1252(text);
            if (fixed != null && !fixed.equals(text)) {
                return fixed;
            }
        }
        if (hasC1(text)) {
            return fixC1Controls(text);
        }
        return text;
    }

    /** {@code restore_byte_a0}. */
    static byte[] restoreByteA0(byte[] bytes) {
        String s = A_GRAVE_WORD.matcher(latin1(bytes)).replaceAll("\u00C3\u00A0 ");
        Matcher m = ALTERED_UTF8.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().replace(' ', '\u00A0')));
        }
        m.appendTail(out);
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code replace_lossy_sequences}: such sequences become the UTF-8 bytes of U+FFFD. */
    static byte[] replaceLossySequences(byte[] bytes) {
        String s = LOSSY_UTF8.matcher(latin1(bytes)).replaceAll("\u00EF\u00BF\u00BD");
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code decode_inconsistent_utf8}: fixes UTF-8 mojibake runs embedded in other text, one at a time. */
    static String decodeInconsistentUtf8(String text) {
        Matcher m = UTF8_DETECTOR.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String sub = m.group();
            String rep = sub.length() < text.length() && MojibakeBadness.isBad(sub) ? fixEncoding(sub) : sub;
            m.appendReplacement(out, Matcher.quoteReplacement(rep));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code fix_c1_controls}: each U+0080..U+009F becomes its (sloppy) Windows-1252 character. */
    static String fixC1Controls(String text) {
        if (!hasC1(text)) {
            return text;
        }
        char[] c = text.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 0x80 && c[i] <= 0x9F) {
                c[i] = SingleByteCharsets.sloppyWindows1252(c[i]);
            }
        }
        return new String(c);
    }

    private static String latin1AsStrictWindows1252(String text) {
        char[] c = text.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 0x80 && c[i] <= 0x9F) {
                char w = SingleByteCharsets.sloppyWindows1252(c[i]);
                if (w == c[i]) {
                    return null; // byte undefined in Windows-1252: Python's strict decode fails
                }
                c[i] = w;
            }
        }
        return new String(c);
    }

    private static boolean hasC1(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch >= 0x80 && ch <= 0x9F) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(byte[] b, int v) {
        for (byte x : b) {
            if ((x & 0xFF) == v) {
                return true;
            }
        }
        return false;
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
