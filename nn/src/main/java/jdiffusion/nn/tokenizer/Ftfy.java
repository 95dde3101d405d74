package jdiffusion.nn.tokenizer;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code ftfy.fix_text} as version 6.1.1 does it with its default configuration, which both CLIP
 * tokenizers call first (the webui environment has ftfy installed).
 *
 * <p>The text is fixed line by line. On each line the fixers run in ftfy's order — HTML entity
 * decoding (skipped once a line containing '&lt;' has been seen: the text is probably HTML),
 * mojibake repair ({@link FtfyEncoding}), C1 controls as Windows-1252, Latin ligatures split,
 * full/half-width forms to normal width, curly quotes straightened, line breaks unified, lone
 * surrogates replaced, terminal escapes and invisible control characters removed, NFC — and the
 * whole sequence repeats until the line stops changing (so {@code &amp;amp;} becomes {@code &}).
 */
public final class Ftfy {
    /** ftfy's {@code max_decode_length}: longer lines are fixed in pieces of this size. */
    private static final int MAX_SEGMENT = 1_000_000;

    private static final Map<Integer, String> LIGATURES = Map.ofEntries(
            Map.entry(0x0132, "IJ"), Map.entry(0x0133, "ij"), Map.entry(0x0149, "\u02BCn"),
            Map.entry(0x01F1, "DZ"), Map.entry(0x01F2, "Dz"), Map.entry(0x01F3, "dz"),
            Map.entry(0x01C4, "D\u017D"), Map.entry(0x01C5, "D\u017E"), Map.entry(0x01C6, "d\u017E"),
            Map.entry(0x01C7, "LJ"), Map.entry(0x01C8, "Lj"), Map.entry(0x01C9, "lj"),
            Map.entry(0x01CA, "NJ"), Map.entry(0x01CB, "Nj"), Map.entry(0x01CC, "nj"),
            Map.entry(0xFB00, "ff"), Map.entry(0xFB01, "fi"), Map.entry(0xFB02, "fl"), Map.entry(0xFB03, "ffi"),
            Map.entry(0xFB04, "ffl"), Map.entry(0xFB05, "\u017Ft"), Map.entry(0xFB06, "st"));

    /** Fullwidth / halfwidth forms (U+FF01..U+FFEF) → their NFKC form; ideographic space → space. */
    private static final Map<Integer, String> WIDTH = buildWidthMap();

    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[([\\p{Nd};]*)([a-zA-Z])");

    private Ftfy() {
    }

    private static Map<Integer, String> buildWidthMap() {
        Map<Integer, String> m = new HashMap<>();
        m.put(0x3000, " ");
        for (int cp = 0xFF01; cp < 0xFFF0; cp++) {
            String c = Character.toString(cp);
            String alt = Normalizer.normalize(c, Normalizer.Form.NFKC);
            if (!alt.equals(c)) {
                m.put(cp, alt);
            }
        }
        return Map.copyOf(m);
    }

    /** {@code ftfy.fix_text(text)} with the default configuration. */
    public static String fixText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true; // "auto": on until a line with '<' is seen, then off for the rest
        int pos = 0;
        while (pos < text.length()) {
            int end = text.indexOf('\n', pos) + 1;
            if (end == 0) {
                end = text.length();
            }
            if (end - pos > MAX_SEGMENT) {
                end = pos + MAX_SEGMENT;
                if (Character.isHighSurrogate(text.charAt(end - 1))) {
                    end--; // do not cut a character in two
                }
            }
            String segment = text.substring(pos, end);
            if (unescapeHtml && segment.indexOf('<') >= 0) {
                unescapeHtml = false;
            }
            out.append(fixSegment(segment, unescapeHtml));
            pos = end;
        }
        return out.toString();
    }

    /** {@code fix_and_explain} on one segment: all fixers, repeated until nothing changes. */
    static String fixSegment(String text, boolean unescapeHtml) {
        while (true) {
            String orig = text;
            if (unescapeHtml) {
                text = HtmlEntities.ftfyUnescape(text);
            }
            text = FtfyEncoding.fixEncoding(text);
            text = FtfyEncoding.fixC1Controls(text);
            text = translate(text, LIGATURES);
            text = translate(text, WIDTH);
            text = uncurlQuotes(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            text = ANSI_ESCAPE.matcher(text).replaceAll("");
            text = removeControlChars(text);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(orig)) {
                return text;
            }
        }
    }

    private static String translate(String s, Map<Integer, String> table) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            String rep = table.get(cp);
            if (rep != null && out == null) {
                out = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (out != null) {
                if (rep != null) {
                    out.append(rep);
                } else {
                    out.appendCodePoint(cp);
                }
            }
            i += Character.charCount(cp);
        }
        return out == null ? s : out.toString();
    }

    /** ʼ ‘ ’ ‚ ‛ → ' and “ ” „ ‟ → ". */
    static String uncurlQuotes(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] == '\u02BC' || (c[i] >= '\u2018' && c[i] <= '\u201B')) {
                c[i] = '\'';
            } else if (c[i] >= '\u201C' && c[i] <= '\u201F') {
                c[i] = '"';
            }
        }
        return new String(c);
    }

    /** CRLF, CR, LINE/PARAGRAPH SEPARATOR and NEL → LF. */
    static String fixLineBreaks(String s) {
        return s.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n').replace('\u2029', '\n')
                .replace('\u0085', '\n');
    }

    /** Lone surrogates (a Java string keeps proper pairs as one character) become U+FFFD. */
    private static String fixSurrogates(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean lone = Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
            if (lone && out == null) {
                out = new StringBuilder(s).delete(i, s.length());
            }
            if (out != null) {
                out.append(lone ? '\uFFFD' : c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Drops C0 controls other than TAB, LF, FF, CR; DEL; U+206A..206F; BOM; U+FFF9..FFFC. */
    static String removeControlChars(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean drop = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                    || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
            if (drop && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null && !drop) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
