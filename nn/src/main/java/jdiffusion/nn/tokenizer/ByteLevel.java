package jdiffusion.nn.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * CLIP's reversible byte-to-character table ({@code bytes_to_unicode}): BPE works on strings, so
 * every UTF-8 byte is shown as one visible character. The 188 "printable" bytes {@code !..~},
 * {@code ¡..¬}, {@code ®..ÿ} stand for themselves; the other 68 bytes map, in increasing byte
 * order, to U+0100, U+0101, ...
 */
final class ByteLevel {
    /** Character for each byte value. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Bytes in vocabulary order: the printable ones first, then the remapped ones. */
    private static final int[] VOCAB_ORDER = new int[256];

    static {
        int n = 0;
        boolean[] printable = new boolean[256];
        for (int b = 0; b < 256; b++) {
            printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        }
        int k = 0;
        for (int b = 0; b < 256; b++) {
            if (printable[b]) {
                BYTE_TO_CHAR[b] = (char) b;
                VOCAB_ORDER[k++] = b;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (!printable[b]) {
                BYTE_TO_CHAR[b] = (char) (256 + n++);
                VOCAB_ORDER[k++] = b;
            }
        }
    }

    private ByteLevel() {
    }

    /** The character standing for byte {@code b} (0..255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte at vocabulary position {@code i} (0..255) of the 256 single-byte symbols. */
    static int byteAtVocabIndex(int i) {
        return VOCAB_ORDER[i];
    }

    /** UTF-8 bytes of {@code s}, each shown as its byte character. */
    static String encode(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }
}
