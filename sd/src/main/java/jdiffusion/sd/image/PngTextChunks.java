package jdiffusion.sd.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The text chunks of a PNG file ({@code tEXt}, {@code zTXt}, {@code iTXt}), read by walking the chunk
 * list ourselves: every length is checked against the bytes present and compressed text is inflated up
 * to {@link #MAX_TEXT_BYTES}, so a malformed or hostile file (a compression bomb in a {@code zTXt}
 * chunk, a length field pointing past the end) ends in an IOException naming the file, never in an
 * OutOfMemoryError. CRCs are not checked (as lenient as reading metadata should be); reading stops at
 * {@code IEND}. The first chunk of a keyword wins.
 */
final class PngTextChunks {
    /** Largest text accepted from one chunk after decompression (webui infotexts are a few KB). */
    static final int MAX_TEXT_BYTES = 16 << 20;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngTextChunks() {
    }

    static Map<String, String> read(byte[] b, String name) throws IOException {
        if (b.length < SIGNATURE.length || !java.util.Arrays.equals(b, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
            throw new IOException(name + ": not a PNG file (signature missing)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        int pos = SIGNATURE.length;
        while (pos < b.length) {
            if (b.length - pos < 12) {
                throw new IOException(name + ": truncated PNG chunk header at byte " + pos);
            }
            long len = readInt(b, pos) & 0xffffffffL;
            String type = new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
            int data = pos + 8;
            if (len > b.length - data - 4L) {
                throw new IOException(name + ": PNG chunk " + type + " at byte " + pos + " claims " + len
                        + " bytes, only " + Math.max(0, b.length - data - 4) + " remain");
            }
            int n = (int) len;
            switch (type) {
                case "tEXt" -> textChunk(b, data, n, name, out);
                case "zTXt" -> zTextChunk(b, data, n, name, out);
                case "iTXt" -> iTextChunk(b, data, n, name, out);
                case "IEND" -> {
                    return out;
                }
                default -> {
                }
            }
            pos = data + n + 4;
        }
        return out;
    }

    private static void textChunk(byte[] b, int off, int n, String name, Map<String, String> out) throws IOException {
        int z = keywordEnd(b, off, n, name, "tEXt");
        out.putIfAbsent(latin1(b, off, z - off), latin1(b, z + 1, off + n - z - 1));
    }

    private static void zTextChunk(byte[] b, int off, int n, String name, Map<String, String> out) throws IOException {
        int z = keywordEnd(b, off, n, name, "zTXt");
        if (z + 2 > off + n || b[z + 1] != 0) {
            throw new IOException(name + ": zTXt chunk without a known compression method");
        }
        byte[] text = inflate(b, z + 2, off + n - z - 2, name, "zTXt");
        out.putIfAbsent(latin1(b, off, z - off), new String(text, StandardCharsets.ISO_8859_1));
    }

    private static void iTextChunk(byte[] b, int off, int n, String name, Map<String, String> out) throws IOException {
        int end = off + n;
        int z = keywordEnd(b, off, n, name, "iTXt");
        if (z + 3 > end) {
            throw new IOException(name + ": truncated iTXt chunk");
        }
        boolean compressed = b[z + 1] != 0;
        if (compressed && b[z + 2] != 0) {
            throw new IOException(name + ": iTXt chunk with an unknown compression method");
        }
        int lang = indexOfZero(b, z + 3, end);
        int translated = lang < 0 ? -1 : indexOfZero(b, lang + 1, end);
        if (translated < 0) {
            throw new IOException(name + ": iTXt chunk without language tag or translated keyword");
        }
        int t = translated + 1;
        byte[] text = compressed ? inflate(b, t, end - t, name, "iTXt") : java.util.Arrays.copyOfRange(b, t, end);
        out.putIfAbsent(latin1(b, off, z - off), new String(text, StandardCharsets.UTF_8));
    }

    private static int keywordEnd(byte[] b, int off, int n, String name, String type) throws IOException {
        int z = indexOfZero(b, off, off + n);
        if (z < 0 || z == off || z - off > 79) {
            throw new IOException(name + ": " + type + " chunk without a valid keyword (1-79 bytes, then 0)");
        }
        return z;
    }

    private static byte[] inflate(byte[] b, int off, int n, String name, String type) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(b, off, n);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.min(MAX_TEXT_BYTES, 4 * n + 64));
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int k = inf.inflate(buf);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IOException(name + ": truncated compressed " + type + " chunk");
                }
                if (out.size() + k > MAX_TEXT_BYTES) {
                    throw new IOException(name + ": " + type + " text larger than " + MAX_TEXT_BYTES + " bytes");
                }
                out.write(buf, 0, k);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IOException(name + ": corrupt compressed " + type + " chunk (" + e.getMessage() + ")", e);
        } finally {
            inf.end();
        }
    }

    private static int indexOfZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String latin1(byte[] b, int off, int n) {
        return new String(b, off, n, StandardCharsets.ISO_8859_1);
    }

    private static int readInt(byte[] b, int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | b[p + 3] & 0xff;
    }
}
