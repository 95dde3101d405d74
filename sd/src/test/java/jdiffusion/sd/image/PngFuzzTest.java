package jdiffusion.sd.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * PNG files are untrusted input (init pictures, masks, {@code --from-png}): the decoder and the text
 * chunk reader must turn any malformed file into an IOException naming it — never another exception,
 * an OutOfMemoryError from a hostile header or a compression bomb, or a hang. A campaign of mutated
 * valid files (bit flips, truncations, insertions, forged chunk lengths and image sizes), plus the
 * targeted cases. {@code -Djdiffusion.fuzz.iterations=N} runs a longer campaign.
 */
class PngFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("jdiffusion.fuzz.iterations", 3000);

    /** A valid PNG with a webui infotext (tEXt or iTXt as the writer chooses), a zTXt and a compressed iTXt. */
    private static byte[] base() throws IOException {
        Image im = Image.blank(13, 7, Mode.RGBA);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 13; x++) {
                for (int c = 0; c < 4; c++) {
                    im.set(x, y, c, (x * 31 + y * 17 + c * 53) & 0xff);
                }
            }
        }
        byte[] png = ImageFiles.encodePng(im, Map.of("parameters", "a barn\nSteps: 20, Sampler: Euler a, Seed: 1"));
        byte[] z = chunk("zTXt", concat(latin1("Comment"), new byte[] {0, 0}, deflate(latin1("squeezed text"))));
        byte[] i = chunk("iTXt", concat(latin1("Title"), new byte[] {0, 1, 0}, latin1("de"), new byte[] {0},
                "Überschrift".getBytes(StandardCharsets.UTF_8), new byte[] {0},
                deflate("Grüße, 世界".getBytes(StandardCharsets.UTF_8))));
        int iend = png.length - 12;
        return concat(Arrays.copyOf(png, iend), z, i, Arrays.copyOfRange(png, iend, png.length));
    }

    @Test
    void readsEveryKindOfTextChunk() throws IOException {
        Map<String, String> t = ImageFiles.pngText(base(), "base.png");
        assertEquals("a barn\nSteps: 20, Sampler: Euler a, Seed: 1", t.get("parameters"));
        assertEquals("squeezed text", t.get("Comment"));
        assertEquals("Grüße, 世界", t.get("Title"));
        Image im = ImageFiles.decode(base(), "base.png");
        assertEquals(13, im.width());
        assertEquals(7, im.height());
    }

    @Test
    void aHugeHeaderSizeIsRefusedBeforeDecoding() throws IOException {
        byte[] png = base();
        // IHDR data starts at byte 16: width, height. 60000 x 60000 would need ~14 GB as RGBA.
        writeInt(png, 16, 60000);
        writeInt(png, 20, 60000);
        fixCrc(png, 8);
        IOException e = assertThrows(IOException.class, () -> ImageFiles.decode(png, "huge.png"));
        assertTrue(e.getMessage().startsWith("huge.png: ") && e.getMessage().contains("exceeds"), e.getMessage());
    }

    @Test
    void aCompressionBombInATextChunkIsRefused() throws IOException {
        byte[] bomb = deflate(new byte[64 << 20]);            // 64 MB of zeros, ~64 KB compressed
        byte[] png = base();
        int iend = png.length - 12;
        byte[] file = concat(Arrays.copyOf(png, iend), chunk("zTXt", concat(latin1("bomb"), new byte[] {0, 0}, bomb)),
                Arrays.copyOfRange(png, iend, png.length));
        IOException e = assertThrows(IOException.class, () -> ImageFiles.pngText(file, "bomb.png"));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void mutatedFilesEndInIoExceptionsOnly() throws IOException {
        byte[] valid = base();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            int refusedText = 0;
            int refusedImage = 0;
            for (int n = 0; n < ITERATIONS; n++) {
                SplittableRandom r = new SplittableRandom(n);
                byte[] f = mutate(valid, r);
                String name = "case-" + n + ".png";
                try {
                    ImageFiles.pngText(f, name);
                } catch (IOException e) {
                    refusedText++;
                    assertTrue(e.getMessage().startsWith(name), e.getMessage());
                } catch (Throwable t) {
                    fail("pngText, case " + n + ": " + t, t);
                }
                try {
                    ImageFiles.decode(f, name);
                } catch (IOException e) {
                    refusedImage++;
                    assertTrue(e.getMessage().startsWith(name), e.getMessage());
                } catch (Throwable t) {
                    fail("decode, case " + n + ": " + t, t);
                }
            }
            // The mutations must actually break files, or the campaign proves nothing.
            assertTrue(refusedText > ITERATIONS / 10 && refusedImage > ITERATIONS / 10,
                    "refused: text " + refusedText + ", image " + refusedImage + " of " + ITERATIONS);
        });
    }

    private static byte[] mutate(byte[] valid, SplittableRandom r) {
        byte[] f = valid.clone();
        switch (r.nextInt(6)) {
            case 0 -> {                                            // bit flips anywhere
                for (int k = 1 + r.nextInt(8); k > 0; k--) {
                    f[r.nextInt(f.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> f = Arrays.copyOf(f, r.nextInt(f.length));   // truncation
            case 2 -> {                                            // random bytes inserted
                int at = r.nextInt(f.length);
                byte[] junk = new byte[1 + r.nextInt(64)];
                r.nextBytes(junk);
                f = concat(Arrays.copyOf(f, at), junk, Arrays.copyOfRange(f, at, f.length));
            }
            case 3 -> {                                            // a forged chunk length
                int p = chunkStart(f, r.nextInt(chunkCount(f)));
                writeInt(f, p, r.nextBoolean() ? r.nextInt() : r.nextInt(f.length * 2));
            }
            case 4 -> {                                            // a forged image size, CRC repaired
                writeInt(f, 16, r.nextBoolean() ? r.nextInt() : r.nextInt(1 << 17));
                writeInt(f, 20, r.nextBoolean() ? r.nextInt() : r.nextInt(1 << 17));
                fixCrc(f, 8);
            }
            default -> {                                           // bytes inside a chunk's data, CRC repaired
                int c = r.nextInt(chunkCount(f));
                int p = chunkStart(f, c);
                int len = readInt(f, p);
                if (len > 0) {
                    for (int k = 1 + r.nextInt(4); k > 0; k--) {
                        f[p + 8 + r.nextInt(len)] = (byte) r.nextInt(256);
                    }
                    fixCrc(f, p);
                }
            }
        }
        return f;
    }

    private static int chunkCount(byte[] f) {
        int n = 0;
        for (int p = 8; p + 12 <= f.length; p += 12 + readInt(f, p)) {
            n++;
        }
        return n;
    }

    private static int chunkStart(byte[] f, int index) {
        int p = 8;
        for (int i = 0; i < index; i++) {
            p += 12 + readInt(f, p);
        }
        return p;
    }

    private static void fixCrc(byte[] f, int chunk) {
        int len = readInt(f, chunk);
        CRC32 crc = new CRC32();
        crc.update(f, chunk + 4, 4 + len);
        writeInt(f, chunk + 8 + len, (int) crc.getValue());
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] out = new byte[12 + data.length];
        writeInt(out, 0, data.length);
        System.arraycopy(latin1(type), 0, out, 4, 4);
        System.arraycopy(data, 0, out, 8, data.length);
        fixCrc(out, 0);
        return out;
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(9);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int readInt(byte[] b, int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | b[p + 3] & 0xff;
    }

    private static void writeInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }
}
