package jdiffusion.nn.lora;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.loaders.config.Architecture;

/**
 * Network tensor keys → the layers they patch (spec §5.2, {@code networks.py: load_network} and
 * {@code convert_diffusers_name_to_compvis}).
 *
 * <p>A kohya key is split at its first '.' into a layer key ({@code lora_unet_down_blocks_0_…}) and a
 * part name ({@code lora_up.weight}, {@code alpha}, ...). diffusers / PEFT keys
 * ({@code unet.down_blocks.0….to_q.lora_A.weight}, {@code text_encoder.….lora_linear_layer.down.weight},
 * {@code ….processor.to_q_lora.up.weight}, {@code ….lora.down.weight}) are first rewritten to that
 * form (the webui itself does not read them). The layer key is converted with the webui's rules,
 * then looked up, with its fallbacks: the fused-attention parent of {@code _q_proj/_k_proj/_v_proj},
 * {@code lora_unet} → {@code diffusion_model} (SDXL kohya names are already LDM paths),
 * {@code lora_te1_text_model} → {@code 0_transformer_text_model} then {@code transformer_text_model},
 * {@code oft_unet} → {@code diffusion_model}.
 */
public final class LoraKeyMapper {
    private LoraKeyMapper() {
    }

    /** A layer key and the part of it a tensor is. */
    public record Split(String layer, String part) {
    }

    /** Where a layer key landed: the name the webui stores the module under, and the layer patched. */
    public record Resolved(String moduleName, ModuleIndex.Layer layer, boolean fusedProjection) {
    }

    private static final Map<String, String> RESNET_SUFFIX = Map.of(
            "conv1", "in_layers_2", "conv2", "out_layers_3", "norm1", "in_layers_0", "norm2", "out_layers_0",
            "time_emb_proj", "emb_layers_1", "conv_shortcut", "skip_connection");

    private static final Pattern CONV_IN = Pattern.compile("lora_unet_conv_in(.*)");
    private static final Pattern CONV_OUT = Pattern.compile("lora_unet_conv_out(.*)");
    private static final Pattern TIME_EMBED = Pattern.compile("lora_unet_time_embedding_linear_(\\d+)(.*)");
    private static final Pattern DOWN = Pattern.compile("lora_unet_down_blocks_(\\d+)_(attentions|resnets)_(\\d+)_(.+)");
    private static final Pattern MID = Pattern.compile("lora_unet_mid_block_(attentions|resnets)_(\\d+)_(.+)");
    private static final Pattern UP = Pattern.compile("lora_unet_up_blocks_(\\d+)_(attentions|resnets)_(\\d+)_(.+)");
    private static final Pattern DOWNSAMPLE = Pattern.compile("lora_unet_down_blocks_(\\d+)_downsamplers_0_conv");
    private static final Pattern UPSAMPLE = Pattern.compile("lora_unet_up_blocks_(\\d+)_upsamplers_0_conv");
    private static final Pattern TE = Pattern.compile("lora_te_text_model_encoder_layers_(\\d+)_(.+)");
    private static final Pattern TE2 = Pattern.compile("lora_te2_text_model_encoder_layers_(\\d+)_(.+)");
    private static final Pattern X_PROJ = Pattern.compile("(.*)_([qkv]_proj)");
    /** Not a webui rule: SDXL's label embedding in diffusers naming. */
    private static final Pattern ADD_EMBED = Pattern.compile("lora_unet_add_embedding_linear_(\\d+)(.*)");

    /** diffusers / PEFT part names → kohya part names, longest first. */
    private static final List<String[]> DIFFUSERS_PARTS = List.of(
            new String[] {".lora_linear_layer.down.weight", "lora_down.weight"},
            new String[] {".lora_linear_layer.up.weight", "lora_up.weight"},
            new String[] {".lora.down.weight", "lora_down.weight"},
            new String[] {".lora.up.weight", "lora_up.weight"},
            new String[] {".lora_A.weight", "lora_down.weight"},
            new String[] {".lora_B.weight", "lora_up.weight"},
            new String[] {".lora_down.weight", "lora_down.weight"},
            new String[] {".lora_up.weight", "lora_up.weight"},
            new String[] {".lora_mid.weight", "lora_mid.weight"},
            new String[] {".alpha", "alpha"},
            new String[] {".dora_scale", "dora_scale"},
            new String[] {".diff_b", "diff_b"},
            new String[] {".diff", "diff"});
    private static final Pattern PROCESSOR = Pattern.compile("(.*)\\.processor\\.(to_q|to_k|to_v|to_out)_lora\\.(down|up)\\.weight");

    /**
     * Splits a tensor key into layer key and part. {@code family} decides what diffusers'
     * {@code text_encoder.} means (SDXL: the first of two encoders, {@code lora_te1_}).
     */
    public static Split split(String key, Architecture family) {
        String k = key.startsWith("base_model.model.") ? key.substring("base_model.model.".length()) : key;
        String prefix = null;
        String rest = null;
        if (k.startsWith("unet.")) {
            prefix = "lora_unet_";
            rest = k.substring("unet.".length());
        } else if (k.startsWith("text_encoder_2.")) {
            prefix = "lora_te2_";
            rest = k.substring("text_encoder_2.".length());
        } else if (k.startsWith("text_encoder.")) {
            prefix = family == Architecture.SDXL ? "lora_te1_" : "lora_te_";
            rest = k.substring("text_encoder.".length());
        }
        if (prefix != null) {
            Matcher p = PROCESSOR.matcher(rest);
            if (p.matches()) {
                String proj = p.group(2).equals("to_out") ? "to_out.0" : p.group(2);
                return new Split(prefix + (p.group(1) + "." + proj).replace('.', '_'), "lora_" + p.group(3) + ".weight");
            }
            for (String[] d : DIFFUSERS_PARTS) {
                if (rest.endsWith(d[0])) {
                    String module = rest.substring(0, rest.length() - d[0].length());
                    return new Split(prefix + module.replace('.', '_'), d[1]);
                }
            }
        }
        int dot = key.indexOf('.');
        return dot < 0 ? new Split(key, "") : new Split(key.substring(0, dot), key.substring(dot + 1));
    }

    /** {@code convert_diffusers_name_to_compvis}: kohya diffusers-path names → webui module names; others unchanged. */
    public static String convert(String key, boolean isSd2) {
        Matcher m;
        if ((m = CONV_IN.matcher(key)).matches()) {
            return "diffusion_model_input_blocks_0_0" + m.group(1);
        }
        if ((m = CONV_OUT.matcher(key)).matches()) {
            return "diffusion_model_out_2" + m.group(1);
        }
        if ((m = TIME_EMBED.matcher(key)).matches()) {
            return "diffusion_model_time_embed_" + (Integer.parseInt(m.group(1)) * 2 - 2) + m.group(2);
        }
        if ((m = DOWN.matcher(key)).matches()) {
            int b = Integer.parseInt(m.group(1));
            int j = Integer.parseInt(m.group(3));
            boolean attn = m.group(2).equals("attentions");
            return "diffusion_model_input_blocks_" + (1 + b * 3 + j) + "_" + (attn ? 1 : 0) + "_" + suffix(attn, m.group(4));
        }
        if ((m = MID.matcher(key)).matches()) {
            boolean attn = m.group(1).equals("attentions");
            int j = Integer.parseInt(m.group(2));
            return "diffusion_model_middle_block_" + (attn ? 1 : j * 2) + "_" + suffix(attn, m.group(3));
        }
        if ((m = UP.matcher(key)).matches()) {
            int b = Integer.parseInt(m.group(1));
            int j = Integer.parseInt(m.group(3));
            boolean attn = m.group(2).equals("attentions");
            return "diffusion_model_output_blocks_" + (b * 3 + j) + "_" + (attn ? 1 : 0) + "_" + suffix(attn, m.group(4));
        }
        if ((m = DOWNSAMPLE.matcher(key)).matches()) {
            return "diffusion_model_input_blocks_" + (3 + Integer.parseInt(m.group(1)) * 3) + "_0_op";
        }
        if ((m = UPSAMPLE.matcher(key)).matches()) {
            int b = Integer.parseInt(m.group(1));
            return "diffusion_model_output_blocks_" + (2 + b * 3) + "_" + (b > 0 ? 2 : 1) + "_conv";
        }
        if ((m = TE.matcher(key)).matches()) {
            return isSd2 ? "model_transformer_resblocks_" + m.group(1) + "_" + openClipSuffix(m.group(2))
                    : "transformer_text_model_encoder_layers_" + m.group(1) + "_" + m.group(2);
        }
        if ((m = TE2.matcher(key)).matches()) {
            return "1_model_transformer_resblocks_" + m.group(1) + "_" + openClipSuffix(m.group(2));
        }
        return key;
    }

    private static String suffix(boolean attention, String s) {
        return attention ? s : RESNET_SUFFIX.getOrDefault(s, s);
    }

    private static String openClipSuffix(String s) {
        if (s.contains("mlp_fc1")) {
            return s.replace("mlp_fc1", "mlp_c_fc");
        }
        if (s.contains("mlp_fc2")) {
            return s.replace("mlp_fc2", "mlp_c_proj");
        }
        return s.replace("self_attn", "attn");
    }

    /** Resolves a layer key against a model, with the webui's fallbacks; null when nothing matches. */
    public static Resolved resolve(String layerKey, ModuleIndex index) {
        String key = convert(layerKey, index.isSd2());
        ModuleIndex.Layer layer = index.get(key);
        if (layer != null) {
            return new Resolved(key, layer, false);
        }
        Matcher x = X_PROJ.matcher(key);
        if (x.matches()) {
            ModuleIndex.Layer mha = index.get(x.group(1));
            if (mha != null && mha.attention()) {
                return new Resolved(key, mha, true);
            }
        }
        if (layerKey.contains("lora_unet")) {
            String k = layerKey.replace("lora_unet", "diffusion_model");
            if (index.contains(k)) {
                return new Resolved(k, index.get(k), false);
            }
        } else if (layerKey.contains("lora_te1_text_model")) {
            for (String root : new String[] {"0_transformer_text_model", "transformer_text_model"}) {
                String k = layerKey.replace("lora_te1_text_model", root);
                if (index.contains(k)) {
                    return new Resolved(k, index.get(k), false);
                }
            }
        } else if (layerKey.contains("oft_unet")) {
            String k = layerKey.replace("oft_unet", "diffusion_model");
            if (index.contains(k)) {
                return new Resolved(k, index.get(k), false);
            }
        }
        return extraRules(key, index);
    }

    /**
     * Beyond the webui (which would leave these unmatched): SDXL's first up block has attention, so
     * its upsampler sits at index 2, not 1; SDXL's label embedding in diffusers naming.
     */
    private static Resolved extraRules(String key, ModuleIndex index) {
        Matcher m = Pattern.compile("diffusion_model_output_blocks_(\\d+)_1_conv").matcher(key);
        if (m.matches()) {
            String k = "diffusion_model_output_blocks_" + m.group(1) + "_2_conv";
            if (index.contains(k)) {
                return new Resolved(k, index.get(k), false);
            }
        }
        m = ADD_EMBED.matcher(key);
        if (m.matches()) {
            String k = "diffusion_model_label_emb_0_" + (Integer.parseInt(m.group(1)) * 2 - 2) + m.group(2);
            if (index.contains(k)) {
                return new Resolved(k, index.get(k), false);
            }
        }
        return null;
    }
}
