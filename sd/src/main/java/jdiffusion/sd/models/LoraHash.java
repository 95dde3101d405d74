package jdiffusion.sd.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import jdiffusion.sd.infotext.ModelHash;

/**
 * The LoRA hash of the infotext's {@code Lora hashes} (spec §8.3): the kohya metadata
 * {@code sshs_model_hash} when present, else the "addnet" hash ({@link ModelHash#addnetHash}); 12
 * hex digits.
 */
public final class LoraHash {
    private LoraHash() {
    }

    public static String shortHash(Path file, Map<String, String> metadata) throws IOException {
        String md = metadata.get("sshs_model_hash");
        if (md != null && !md.isEmpty()) {
            return md.substring(0, Math.min(12, md.length()));
        }
        return ModelHash.addnetHash(file);
    }
}
