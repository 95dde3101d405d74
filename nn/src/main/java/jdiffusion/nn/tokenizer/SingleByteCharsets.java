package jdiffusion.nn.tokenizer;

import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-byte encodings ftfy tries when it un-mojibakes text, in ftfy's order: Latin-1, the
 * "sloppy" Windows code pages 1252, 1251, 1250, 1253, 1254 (bytes a code page leaves undefined
 * decode as the Latin-1 character of the same value, and byte 0x1A stands for U+FFFD), ISO 8859-2,
 * Mac Roman and code page 437. Tables come from the JDK's charsets, which decode bytes 0x80..0xFF
 * exactly like Python's codecs of the same names.
 */
final class SingleByteCharsets {

    /** One encoding: 256 decoded characters and the inverse map. */
    record Table(String name, char[] decode, Map<Character, Byte> encode) {
        /**
         * ftfy's {@code possible_encoding}: could {@code text} have been decoded from this encoding?
         * ASCII other than 0x1A always can; everything else must be the decoding of byte 0x80..0xFF
         * or of byte 0x1A.
         */
        boolean canEncode(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x80 && c != 0x1A) {
                    continue;
                }
                if (c == decode[0x1A]) {
                    continue;
                }
                Byte b = encode.get(c);
                if (b == null || (b & 0xFF) < 0x80) {
                    return false;
                }
            }
            return true;
        }

        /** Encodes text that {@link #canEncode} accepted. */
        byte[] encodeAll(String text) {
            byte[] out = new byte[text.length()];
            for (int i = 0; i < text.length(); i++) {
                Byte b = encode.get(text.charAt(i));
                if (b == null) {
                    throw new IllegalArgumentException("'" + text.charAt(i) + "' cannot be encoded in " + name);
                }
                out[i] = b;
            }
            return out;
        }

        boolean sloppy() {
            return name.startsWith("sloppy-");
        }
    }

    static final Table LATIN_1 = build("latin-1", "ISO-8859-1", false);
    static final Table SLOPPY_1252 = build("sloppy-windows-1252", "windows-1252", true);

    /** ftfy's {@code CHARMAP_ENCODINGS}, in the order it tries them. */
    static final List<Table> CHARMAP = List.of(
            LATIN_1,
            SLOPPY_1252,
            build("sloppy-windows-1251", "windows-1251", true),
            build("sloppy-windows-1250", "windows-1250", true),
            build("sloppy-windows-1253", "windows-1253", true),
            build("sloppy-windows-1254", "windows-1254", true),
            build("iso-8859-2", "ISO-8859-2", false),
            build("macroman", "x-MacRoman", false),
            build("cp437", "IBM437", false));

    private SingleByteCharsets() {
    }

    private static Table build(String name, String javaName, boolean sloppy) {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        String decoded = new String(all, Charset.forName(javaName));
        if (decoded.length() != 256) {
            throw new IllegalStateException(javaName + " is not a single-byte charset");
        }
        char[] table = decoded.toCharArray();
        if (sloppy) {
            for (int i = 0; i < 256; i++) {
                if (table[i] == '\uFFFD') {
                    table[i] = (char) i;
                }
            }
            table[0x1A] = '\uFFFD';
        }
        Map<Character, Byte> inverse = new HashMap<>(512);
        for (int i = 255; i >= 0; i--) {
            inverse.put(table[i], (byte) i); // lowest byte wins on duplicates
        }
        return new Table(name, table, Map.copyOf(inverse));
    }

    /** The sloppy Windows-1252 character of a byte value (used for C1 controls). */
    static char sloppyWindows1252(int b) {
        return SLOPPY_1252.decode()[b & 0xFF];
    }
}
