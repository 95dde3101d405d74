package jdiffusion.loaders.safetensors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.Printable;

/**
 * A strict RFC 8259 JSON parser for safetensors headers. A general JSON library costs a few
 * hundred milliseconds of class loading and warm-up on the first open of a checkpoint, several
 * times the cost of parsing the header itself; this one is small, allocation-light and bounded.
 *
 * <p>Values: objects as {@code LinkedHashMap<String, Object>} (duplicate keys refused), arrays as
 * {@code List<Object>}, strings, integers as {@code Long} (those outside the long range as
 * {@link #BIG_INTEGER}), other numbers as {@code Double}, {@code Boolean}, and {@link #NULL}.
 * Nesting deeper than {@value #MAX_DEPTH}, malformed UTF-8, unescaped control characters and
 * trailing content are errors.
 */
final class HeaderJson {
    /** JSON null. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    /** An integer literal too large for a long. */
    static final Object BIG_INTEGER = new Object() {
        @Override
        public String toString() {
            return "<integer out of range>";
        }
    };
    static final int MAX_DEPTH = 64;

    private final byte[] b;
    private final String source;
    private int pos;

    private HeaderJson(byte[] b, String source) {
        this.b = b;
        this.source = source;
    }

    /** Parses one JSON value filling the whole input (surrounding whitespace allowed). */
    static Object parse(byte[] bytes, String source) {
        HeaderJson p = new HeaderJson(bytes, source);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != bytes.length) {
            throw p.fail("unexpected content after the JSON value");
        }
        return v;
    }

    private ModelFormatException fail(String what) {
        return new ModelFormatException(source + ": header is not valid JSON at byte " + pos + ": " + what);
    }

    private void skipSpace() {
        while (pos < b.length && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
            pos++;
        }
    }

    private int peek() {
        if (pos >= b.length) {
            throw fail("unexpected end of header");
        }
        return b[pos] & 0xff;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw fail("expected '" + c + "'");
        }
        pos++;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw fail("nested deeper than " + MAX_DEPTH);
        }
        int c = peek();
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw fail("unexpected character " + describe(c));
            }
        };
    }

    private Object literal(String word, Object v) {
        for (int i = 0; i < word.length(); i++) {
            if (pos >= b.length || b[pos] != word.charAt(i)) {
                throw fail("invalid literal");
            }
            pos++;
        }
        return v;
    }

    private Map<String, Object> object(int depth) {
        expect('{');
        Map<String, Object> out = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw fail("expected a string key");
            }
            int keyAt = pos;
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object v = value(depth + 1);
            if (out.putIfAbsent(key, v) != null) {
                pos = keyAt;
                throw new ModelFormatException(source + ": header names '" + Printable.of(key) + "' twice"
                        + (depth == 0 ? " (duplicate tensor name)" : "") + " at byte " + keyAt);
            }
            skipSpace();
            int c = peek();
            pos++;
            if (c == '}') {
                return out;
            }
            if (c != ',') {
                pos--;
                throw fail("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        expect('[');
        List<Object> out = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return out;
        }
        while (true) {
            skipSpace();
            out.add(value(depth + 1));
            skipSpace();
            int c = peek();
            pos++;
            if (c == ']') {
                return out;
            }
            if (c != ',') {
                pos--;
                throw fail("expected ',' or ']'");
            }
        }
    }

    private Object number() {
        int start = pos;
        boolean negative = b[pos] == '-';
        if (negative) {
            pos++;
        }
        int digitsStart = pos;
        while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        int digits = pos - digitsStart;
        if (digits == 0 || (digits > 1 && b[digitsStart] == '0')) {
            pos = start;
                throw fail("invalid number");
        }
        boolean integral = true;
        if (pos < b.length && b[pos] == '.') {
            integral = false;
            pos++;
            int fracStart = pos;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                pos++;
            }
            if (pos == fracStart) {
                pos = start;
                throw fail("invalid number");
            }
        }
        if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E')) {
            integral = false;
            pos++;
            if (pos < b.length && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            int expStart = pos;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                pos++;
            }
            if (pos == expStart) {
                pos = start;
                throw fail("invalid number");
            }
        }
        String text = new String(b, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII);
        if (!integral) {
            return pos - start > 400 ? Double.NaN : Double.parseDouble(text);
        }
        if (digits > 19) {
            return BIG_INTEGER;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return BIG_INTEGER;
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = peek();
            pos++;
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                escape(sb);
            } else if (c < 0x20) {
                pos--;
                throw fail("unescaped control character in a string");
            } else if (c < 0x80) {
                sb.append((char) c);
            } else {
                pos--;
                sb.appendCodePoint(utf8());
            }
        }
    }

    private void escape(StringBuilder sb) {
        int c = peek();
        pos++;
        switch (c) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                int u = hex4();
                if (Character.isHighSurrogate((char) u)) {
                    if (pos + 1 < b.length && b[pos] == '\\' && b[pos + 1] == 'u') {
                        pos += 2;
                        int low = hex4();
                        if (!Character.isLowSurrogate((char) low)) {
                            throw fail("invalid surrogate pair");
                        }
                        sb.append((char) u).append((char) low);
                        return;
                    }
                    throw fail("lone surrogate");
                }
                if (Character.isLowSurrogate((char) u)) {
                    throw fail("lone surrogate");
                }
                sb.append((char) u);
            }
            default -> {
                pos--;
                throw fail("invalid escape");
            }
        }
    }

    private int hex4() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(peek(), 16);
            if (d < 0) {
                throw fail("invalid \\u escape");
            }
            pos++;
            v = v * 16 + d;
        }
        return v;
    }

    /** One UTF-8 encoded code point (strict: no overlong forms, surrogates or values above U+10FFFF). */
    private int utf8() {
        int c = peek();
        int n;
        int cp;
        int min;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            throw fail("invalid UTF-8");
        }
        pos++;
        for (int i = 0; i < n; i++) {
            int cc = peek();
            if ((cc & 0xc0) != 0x80) {
                throw fail("invalid UTF-8");
            }
            cp = (cp << 6) | (cc & 0x3f);
            pos++;
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            throw fail("invalid UTF-8");
        }
        return cp;
    }

    private static String describe(int c) {
        return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c);
    }
}
