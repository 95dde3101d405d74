package jdiffusion.nn.tokenizer;

/**
 * Strict UTF-8 decoding as Python's {@code bytes.decode("utf-8")} does it (shortest forms only, no
 * encoded surrogates, nothing above U+10FFFF, no truncated sequences), optionally extended with
 * ftfy's "utf-8-variants": Java's two-byte null {@code C0 80} and CESU-8 surrogate pairs
 * ({@code ED A0..AF xx ED B0..BF xx}) decode to the characters they were meant to encode.
 */
final class Utf8 {
    private Utf8() {
    }

    /** The decoded text, or null when the bytes are not valid (under the chosen variant). */
    static String decode(byte[] b, boolean variants) {
        StringBuilder out = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                out.append((char) c);
                i++;
                continue;
            }
            if (variants && c == 0xC0 && i + 1 < b.length && (b[i + 1] & 0xFF) == 0x80) {
                out.append('\0');
                i += 2;
                continue;
            }
            if (variants && c == 0xED && i + 5 < b.length && cesuPair(b, i)) {
                int cp = 0x10000 + ((b[i + 1] & 0x0F) << 16) + ((b[i + 2] & 0x3F) << 10)
                        + ((b[i + 4] & 0x0F) << 6) + (b[i + 5] & 0x3F);
                out.appendCodePoint(cp);
                i += 6;
                continue;
            }
            int need;
            int cp;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                cp = c & 0x1F;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                cp = c & 0x0F;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                cp = c & 0x07;
                min = 0x10000;
            } else {
                return null;
            }
            if (i + need >= b.length) {
                return null; // truncated sequence
            }
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return null;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return null;
            }
            out.appendCodePoint(cp);
            i += need + 1;
        }
        return out.toString();
    }

    private static boolean cesuPair(byte[] b, int i) {
        int b1 = b[i + 1] & 0xFF;
        int b2 = b[i + 2] & 0xFF;
        int b3 = b[i + 3] & 0xFF;
        int b4 = b[i + 4] & 0xFF;
        int b5 = b[i + 5] & 0xFF;
        return b1 >= 0xA0 && b1 <= 0xAF && b2 >= 0x80 && b2 <= 0xBF && b3 == 0xED
                && b4 >= 0xB0 && b4 <= 0xBF && b5 >= 0x80 && b5 <= 0xBF;
    }
}
