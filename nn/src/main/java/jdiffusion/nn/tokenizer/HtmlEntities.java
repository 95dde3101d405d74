package jdiffusion.nn.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character references, decoded the two ways the CLIP tokenizers do.
 *
 * <ul>
 *   <li>{@link #unescape(String)}: Python's {@code html.unescape} (the HTML5 rules), which OpenAI's
 *       and open_clip's tokenizers apply twice: numeric references with the HTML5 replacement rules,
 *       named references from the full HTML5 table, legacy names accepted without ';' by longest
 *       prefix.</li>
 *   <li>{@link #ftfyUnescape(String)}: ftfy's stricter {@code unescape_html}: only complete
 *       {@code &name;} / {@code &#num;} references, plus upper-cased forms of lower-case entity names
 *       that are not entities themselves ({@code &EACUTE;} → É).</li>
 * </ul>
 * The table is the WHATWG "named character references" list, shipped as {@code html5-entities.tsv}.
 */
final class HtmlEntities {
    /** Python's {@code _charref} pattern. */
    private static final Pattern CHARREF = Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
    /** ftfy's {@code HTML_ENTITY_RE}. */
    private static final Pattern FTFY_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");

    /** Name (with ';' where the standard has it) → replacement text. */
    private static final Map<String, String> HTML5 = load();
    /** ftfy's table: "&name;" → text, including the accepted upper-case forms. */
    private static final Map<String, String> FTFY = buildFtfy();

    private HtmlEntities() {
    }

    private static Map<String, String> load() {
        String res = "html5-entities.tsv";
        Map<String, String> m = new HashMap<>(4096);
        try (InputStream in = HtmlEntities.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalStateException("resource " + res + " missing from the jdiffusion-nn jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                StringBuilder value = new StringBuilder();
                for (String hex : line.substring(tab + 1).split(" ")) {
                    value.appendCodePoint(Integer.parseInt(hex, 16));
                }
                m.put(line.substring(0, tab), value.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + res, e);
        }
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, String> buildFtfy() {
        Map<String, String> m = new HashMap<>(HTML5.size() * 3);
        for (Map.Entry<String, String> e : HTML5.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(";")) {
                continue;
            }
            m.put("&" + name, e.getValue());
            // An all-caps spelling of a lower-case name is accepted when it does not already mean
            // something else to the HTML5 parser (e.g. &NTILDE; → Ñ, but not &LT...; forms).
            if (name.equals(name.toLowerCase(Locale.ROOT))) {
                String upper = "&" + name.toUpperCase(Locale.ROOT);
                if (unescape(upper).equals(upper)) {
                    m.putIfAbsent(upper, e.getValue().toUpperCase(Locale.ROOT));
                }
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Python's {@code html.unescape}. */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = CHARREF.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(replaceCharref(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String replaceCharref(String s) {
        if (s.charAt(0) == '#') {
            String digits = s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
            boolean hex = digits.length() > 1 && (digits.charAt(1) == 'x' || digits.charAt(1) == 'X');
            long num = parseBounded(hex ? digits.substring(2) : digits.substring(1), hex ? 16 : 10);
            return numericCharref(num);
        }
        String v = HTML5.get(s);
        if (v != null) {
            return v;
        }
        // Longest legacy name that is a prefix (the standard's rule for names without ';').
        for (int x = s.length() - 1; x > 1; x--) {
            String w = HTML5.get(s.substring(0, x));
            if (w != null) {
                return w + s.substring(x);
            }
        }
        return "&" + s;
    }

    /** Parses digits, saturating far above 0x10FFFF so that huge references stay "too large". */
    private static long parseBounded(String digits, int radix) {
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            v = v * radix + Character.digit(digits.charAt(i), radix);
            if (v > 0x7FFFFFFFL) {
                return 0x7FFFFFFFL;
            }
        }
        return v;
    }

    /** HTML5 numeric reference rules (Python's {@code _invalid_charrefs} / {@code _invalid_codepoints}). */
    static String numericCharref(long num) {
        if (num == 0x00) {
            return "\uFFFD";
        }
        if (num == 0x0D) {
            return "\r";
        }
        if (num >= 0x80 && num <= 0x9F) {
            // The C1 range is read as Windows-1252, as browsers do (undefined bytes stay C1 controls).
            return String.valueOf(SingleByteCharsets.sloppyWindows1252((int) num));
        }
        if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
            return "\uFFFD";
        }
        if ((num >= 0x01 && num <= 0x08) || num == 0x0B || (num >= 0x0E && num <= 0x1F) || num == 0x7F
                || (num >= 0xFDD0 && num <= 0xFDEF) || (num & 0xFFFE) == 0xFFFE) {
            return "";
        }
        return Character.toString((int) num);
    }

    /** ftfy's {@code unescape_html}. */
    static String ftfyUnescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = FTFY_ENTITY.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String text = m.group();
            String rep = FTFY.get(text);
            if (rep == null) {
                rep = text;
                if (text.startsWith("&#")) {
                    String u = unescape(text);
                    rep = u.indexOf(';') >= 0 ? text : u;
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(rep));
        }
        m.appendTail(out);
        return out.toString();
    }
}
