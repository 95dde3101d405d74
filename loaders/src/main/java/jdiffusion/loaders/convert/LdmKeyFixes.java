package jdiffusion.loaders.convert;

import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.loaders.TensorSource;

/**
 * Renames found in real single-file checkpoints, applied so that model code sees one naming (the
 * webui does the same when loading): CLIP text models saved by old transformers versions lack the
 * {@code text_model.} level ({@code cond_stage_model.transformer.embeddings.*}), and SD 2.x models
 * saved in the sgm layout keep their OpenCLIP encoder at {@code conditioner.embedders.0.model.*}
 * (told apart from the SDXL refiner, which has the same prefix, by its missing {@code label_emb}).
 */
public final class LdmKeyFixes {
    private LdmKeyFixes() {
    }

    /** {@code raw} itself when nothing needs renaming, otherwise a renamed view. */
    public static TensorSource apply(TensorSource raw) {
        Map<String, String> renames = new LinkedHashMap<>();
        for (String te : new String[] {"cond_stage_model.transformer.", "conditioner.embedders.0.transformer."}) {
            if (hasPrefix(raw, te + "embeddings.") && !hasPrefix(raw, te + "text_model.")) {
                for (String part : new String[] {"embeddings.", "encoder.", "final_layer_norm."}) {
                    renames.put(te + part, te + "text_model." + part);
                }
            }
        }
        if (hasPrefix(raw, "conditioner.embedders.0.model.") && !hasPrefix(raw, "conditioner.embedders.1.")
                && !raw.contains("model.diffusion_model.label_emb.0.0.weight")) {
            renames.put("conditioner.embedders.0.model.", "cond_stage_model.model.");
        }
        if (renames.isEmpty()) {
            return raw;
        }
        ViewSource.Builder out = ViewSource.builder(raw.description());
        for (String n : raw.names()) {
            String mapped = n;
            for (var e : renames.entrySet()) {
                if (n.startsWith(e.getKey())) {
                    mapped = e.getValue() + n.substring(e.getKey().length());
                    break;
                }
            }
            out.alias(mapped, raw, n);
        }
        return out.build();
    }

    private static boolean hasPrefix(TensorSource s, String prefix) {
        for (String n : s.names()) {
            if (n.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
