package jdiffusion.sd.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The LoRA hash of the infotext's {@code Lora hashes} (spec §8.3): the kohya metadata
 * {@code sshs_model_hash} when present, else for {@code .safetensors} the "addnet" hash (SHA-256
 * of the file after its header), else SHA-256 of the whole file; the first 12 hex digits.
 */
public final class LoraHash {
    private LoraHash() {
    }

    public static String shortHash(Path file, Map<String, String> metadata) throws IOException {
        String md = metadata.get("sshs_model_hash");
        if (md != null && !md.isEmpty()) {
            return md.substring(0, Math.min(12, md.length()));
        }
        return sha256(file, ModelsFolder.extension(file).equals(".safetensors")).substring(0, 12);
    }

    /** SHA-256 hex of a file, optionally skipping a safetensors header (8 + n bytes). */
    public static String sha256(Path file, boolean skipSafetensorsHeader) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            if (skipSafetensorsHeader) {
                byte[] len = in.readNBytes(8);
                if (len.length < 8) {
                    throw new IOException(file + ": too short for a safetensors header");
                }
                long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
                if (n < 0 || n > Files.size(file) - 8) {
                    throw new IOException(file + ": header length " + n + " exceeds the file");
                }
                in.skipNBytes(n);
            }
            byte[] buf = new byte[1 << 20];
            int r;
            while ((r = in.read(buf)) > 0) {
                sha.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
