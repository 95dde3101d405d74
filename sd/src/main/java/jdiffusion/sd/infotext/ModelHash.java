package jdiffusion.sd.infotext;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The webui's file hashes ({@code modules/hashes.py}, {@code sd_models.py}, Lora {@code network.py}). */
public final class ModelHash {
    private ModelHash() {
    }

    /** SHA-256 of the whole file, 64 lowercase hex digits (read in 1 MiB blocks). */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** "Model hash" / "VAE hash" (AutoV2): the first 10 hex digits of the file's SHA-256. */
    public static String shortHash(Path file) throws IOException {
        return sha256(file).substring(0, 10);
    }

    /** The old 8-digit hash: SHA-256 of the 64 KiB at offset 0x100000 (fewer if the file is shorter). */
    public static String oldHash(Path file) throws IOException {
        MessageDigest md = sha();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > 0x100000) {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(0x10000, size - 0x100000));
                while (b.hasRemaining() && ch.read(b, 0x100000 + b.position()) > 0) {
                    // keep reading until the slice is full
                }
                b.flip();
                md.update(b);
            }
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 8);
    }

    /**
     * The "addnet" hash of a LoRA ({@code Lora hashes}): for {@code .safetensors} the SHA-256 of
     * everything after the header ({@code 8 + n} bytes), else of the whole file; 12 hex digits.
     */
    public static String addnetHash(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".safetensors")) {
            return sha256(file).substring(0, 12);
        }
        MessageDigest md = sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] len = in.readNBytes(8);
            if (len.length < 8) {
                throw new IOException(file + ": too short for a safetensors header length");
            }
            long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n < 0 || n > Files.size(file) - 8) {
                throw new IOException(file + ": safetensors header length " + n + " exceeds the file");
            }
            in.skipNBytes(n);
            byte[] buf = new byte[1 << 20];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 12);
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
