package jdiffusion.sd.infotext;

import java.util.Map;

/**
 * The webui's "parameters" text ({@code processing.py: create_infotext},
 * {@code infotext_utils.py: quote}): the prompt, an optional {@code Negative prompt:} line, then
 * one line of {@code key: value} pairs joined by {@code ", "}, the whole text stripped.
 */
public final class Infotext {
    private Infotext() {
    }

    /**
     * {@code quote(value)}: the value's {@code str()} unchanged unless it contains {@code ,},
     * a newline or {@code :}, in which case it is JSON-encoded (double quotes, backslash escapes,
     * non-ASCII kept, as {@code json.dumps(v, ensure_ascii=False)}).
     */
    public static String quote(Object value) {
        String s = PyValues.str(value);
        if (s.indexOf(',') < 0 && s.indexOf('\n') < 0 && s.indexOf(':') < 0) {
            return s;
        }
        return jsonString(s);
    }

    /** {@code json.dumps(s, ensure_ascii=False)} of a string. */
    public static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * The full text. {@code params} is in output order; null values are skipped; an entry whose
     * value equals its key is written as the bare key.
     */
    public static String format(String prompt, String negativePrompt, Map<String, ?> params) {
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, ?> e : params.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (!line.isEmpty()) {
                line.append(", ");
            }
            String k = e.getKey();
            if (e.getValue() instanceof String v && v.equals(k)) {
                line.append(k);
            } else {
                line.append(k).append(": ").append(quote(e.getValue()));
            }
        }
        String neg = negativePrompt == null || negativePrompt.isEmpty() ? "" : "\nNegative prompt: " + negativePrompt;
        return ((prompt == null ? "" : prompt) + neg + "\n" + line).strip();
    }
}
