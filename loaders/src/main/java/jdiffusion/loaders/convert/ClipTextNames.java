package jdiffusion.loaders.convert;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.Printable;
import jdiffusion.loaders.TensorSource;

/**
 * Maps a transformers {@code CLIPTextModel(WithProjection)} state dict ({@code text_model.*},
 * {@code text_projection.weight}) onto the two LDM text-encoder layouts: unchanged HF names for
 * OpenAI CLIP-L ({@code cond_stage_model.transformer.text_model.*}), or OpenCLIP names for SD2 and
 * SDXL's bigG: {@code token_embedding}, {@code positional_embedding},
 * {@code transformer.resblocks.N.attn.in_proj_weight} = q;k;v stacked on dimension 0,
 * {@code ln_1/ln_2}, {@code mlp.c_fc/c_proj}, {@code ln_final}, and {@code text_projection}
 * = the transpose of the HF Linear weight (OpenCLIP computes {@code pooled @ text_projection}).
 */
public final class ClipTextNames {
    private static final Pattern LAYER = Pattern.compile("text_model\\.encoder\\.layers\\.(\\d+)\\.(.+)");
    private static final Map<String, String> LAYER_PARTS = Map.of(
            "self_attn.out_proj.", "attn.out_proj.",
            "layer_norm1.", "ln_1.",
            "layer_norm2.", "ln_2.",
            "mlp.fc1.", "mlp.c_fc.",
            "mlp.fc2.", "mlp.c_proj.");
    private static final Pattern QKV = Pattern.compile("self_attn\\.([qkv])_proj\\.(weight|bias)");

    private ClipTextNames() {
    }

    /** True when the names look like a transformers CLIP text model (no prefix). */
    public static boolean matches(Set<String> names) {
        return names.contains("text_model.embeddings.token_embedding.weight");
    }

    /** HF names kept: {@code text_model.X} → {@code prefix + text_model.X} (the projection, if any, is dropped). */
    public static void mapHf(TensorSource clip, String prefix, ViewSource.Builder out) {
        for (String n : clip.names()) {
            if (n.startsWith("text_model.")) {
                out.alias(prefix + n, clip, n);
            } else if (!n.equals("text_projection.weight") && !n.equals("logit_scale")) {
                throw unknown(clip, n);
            }
        }
    }

    /** HF names → OpenCLIP names under {@code prefix} (e.g. {@code conditioner.embedders.1.model.}). */
    public static void mapOpenClip(TensorSource clip, String prefix, ViewSource.Builder out) {
        String where = clip.description();
        for (String n : clip.names()) {
            switch (n) {
                case "text_model.embeddings.token_embedding.weight" -> out.alias(prefix + "token_embedding.weight", clip, n);
                case "text_model.embeddings.position_embedding.weight" -> out.alias(prefix + "positional_embedding", clip, n);
                case "text_model.embeddings.position_ids", "logit_scale" -> {
                    // a buffer OpenCLIP does not store / the unused contrastive scale
                }
                case "text_projection.weight" -> out.put(prefix + "text_projection",
                        () -> TensorSurgery.transpose(clip.tensor(n), where + " '" + n + "'"), where + " '" + n + "'");
                default -> {
                    if (n.startsWith("text_model.final_layer_norm.")) {
                        out.alias(prefix + "ln_final." + n.substring("text_model.final_layer_norm.".length()), clip, n);
                        continue;
                    }
                    Matcher m = LAYER.matcher(n);
                    if (!m.matches()) {
                        throw unknown(clip, n);
                    }
                    String layer = prefix + "transformer.resblocks." + DiffusersUNet.index(m.group(1), where, n) + ".";
                    Matcher qkv = QKV.matcher(m.group(2));
                    if (qkv.matches()) {
                        if (qkv.group(1).equals("q")) {
                            String base = "text_model.encoder.layers." + m.group(1) + ".self_attn.";
                            String kind = qkv.group(2);
                            List<String> parts = List.of(base + "q_proj." + kind, base + "k_proj." + kind, base + "v_proj." + kind);
                            for (String p : parts) {
                                if (!clip.contains(p)) {
                                    throw new ModelFormatException(where + ": '" + Printable.of(n) + "' has no matching '" + p + "'");
                                }
                            }
                            out.put(layer + "attn.in_proj_" + kind, () -> TensorSurgery.concatRows(
                                    parts.stream().map(clip::tensor).toList(), where + " '" + n + "'"), where + " '" + n + "'");
                        } else if (!clip.contains(n.replace("." + qkv.group(1) + "_proj.", ".q_proj."))) {
                            throw new ModelFormatException(where + ": '" + Printable.of(n) + "' has no matching q_proj");
                        }
                        continue;
                    }
                    String mapped = null;
                    for (var e : LAYER_PARTS.entrySet()) {
                        if (m.group(2).startsWith(e.getKey())) {
                            mapped = e.getValue() + m.group(2).substring(e.getKey().length());
                        }
                    }
                    if (mapped == null) {
                        throw unknown(clip, n);
                    }
                    out.alias(layer + mapped, clip, n);
                }
            }
        }
    }

    private static ModelFormatException unknown(TensorSource clip, String n) {
        return new ModelFormatException(clip.description() + ": CLIP text-model tensor '" + Printable.of(n)
                + "' is not recognised");
    }
}
