package jdiffusion.loaders.convert;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.Printable;
import jdiffusion.loaders.TensorSource;
import jdiffusion.tensor.Tensor;

/**
 * Maps a diffusers {@code AutoencoderKL} state dict onto the LDM VAE names: encoder
 * {@code down_blocks.i.resnets.j} → {@code down.i.block.j}, decoder {@code up_blocks.i} →
 * {@code up.(L-1-i)} (diffusers numbers the decoder from the bottom), mid blocks →
 * {@code mid.block_1/2} and {@code mid.attn_1}, {@code conv_shortcut} → {@code nin_shortcut},
 * {@code conv_norm_out} → {@code norm_out}. The mid-block attention's Linear weights
 * ({@code to_q}/{@code query}, ..., [C, C]) become the LDM 1×1 convolutions [C, C, 1, 1] (a reshape
 * view of the same data).
 */
public final class DiffusersVae {
    private static final Pattern DOWN = Pattern.compile("encoder\\.down_blocks\\.(\\d+)\\.(resnets\\.(\\d+)|downsamplers\\.0)\\.(.+)");
    private static final Pattern UP = Pattern.compile("decoder\\.up_blocks\\.(\\d+)\\.(resnets\\.(\\d+)|upsamplers\\.0)\\.(.+)");
    private static final Pattern MID = Pattern.compile("(encoder|decoder)\\.mid_block\\.(resnets|attentions)\\.(\\d+)\\.(.+)");
    private static final Pattern UP_INDEX = Pattern.compile("decoder\\.up_blocks\\.(\\d+)\\..*");
    private static final Map<String, String> ATTENTION = Map.ofEntries(
            Map.entry("group_norm.", "norm."),
            Map.entry("to_q.", "q."), Map.entry("query.", "q."),
            Map.entry("to_k.", "k."), Map.entry("key.", "k."),
            Map.entry("to_v.", "v."), Map.entry("value.", "v."),
            Map.entry("to_out.0.", "proj_out."), Map.entry("proj_attn.", "proj_out."));
    private static final Set<String> SAME = Set.of("encoder.conv_in.", "encoder.conv_out.", "decoder.conv_in.",
            "decoder.conv_out.", "quant_conv.", "post_quant_conv.");

    private DiffusersVae() {
    }

    /** True when the names look like a diffusers VAE (no prefix). */
    public static boolean matches(Set<String> names) {
        return names.contains("encoder.conv_in.weight") && names.stream().anyMatch(n -> n.startsWith("encoder.down_blocks."));
    }

    /** Adds every tensor of {@code vae} (diffusers names) under {@code prefix} + its LDM name. */
    public static void map(TensorSource vae, String prefix, ViewSource.Builder out) {
        int levels = 0;
        for (String n : vae.names()) {
            Matcher m = UP_INDEX.matcher(n);
            if (m.matches()) {
                levels = Math.max(levels, DiffusersUNet.index(m.group(1), vae.description(), n) + 1);
            }
        }
        String where = vae.description();
        for (String n : vae.names()) {
            String ldm = ldmName(n, levels, where);
            if (ldm.startsWith("encoder.mid.attn_1.") || ldm.startsWith("decoder.mid.attn_1.")) {
                boolean conv = ldm.endsWith(".weight") && !ldm.endsWith("norm.weight");
                out.put(prefix + ldm, () -> conv ? asConv1x1(vae.tensor(n), where + " '" + n + "'") : vae.tensor(n),
                        where + " '" + n + "'");
            } else {
                out.alias(prefix + ldm, vae, n);
            }
        }
    }

    /** A Linear weight [o, i] as the equivalent 1×1 convolution [o, i, 1, 1]; conv weights pass through. */
    // w: [o, i] -> [o, i, 1, 1]
    static Tensor asConv1x1(Tensor w, String what) {
        if (w.rank() == 4) {
            return w;
        }
        if (w.rank() != 2) {
            throw new ModelFormatException(what + ": attention weight must be [C, C] or [C, C, 1, 1], got " + w);
        }
        return w.reshape(w.dim(0), w.dim(1), 1, 1);
    }

    static String ldmName(String n, int levels, String where) {
        for (String s : SAME) {
            if (n.startsWith(s)) {
                return n;
            }
        }
        if (n.startsWith("encoder.conv_norm_out.") || n.startsWith("decoder.conv_norm_out.")) {
            return n.replace(".conv_norm_out.", ".norm_out.");
        }
        Matcher m = DOWN.matcher(n);
        if (m.matches()) {
            String level = "encoder.down." + DiffusersUNet.index(m.group(1), where, n);
            return m.group(3) == null
                    ? level + ".downsample." + m.group(4)
                    : level + ".block." + m.group(3) + "." + resnetPart(m.group(4));
        }
        m = UP.matcher(n);
        if (m.matches()) {
            String level = "decoder.up." + (levels - 1 - DiffusersUNet.index(m.group(1), where, n));
            return m.group(3) == null
                    ? level + ".upsample." + m.group(4)
                    : level + ".block." + m.group(3) + "." + resnetPart(m.group(4));
        }
        m = MID.matcher(n);
        if (m.matches()) {
            int j = DiffusersUNet.index(m.group(3), where, n);
            if (m.group(2).equals("resnets")) {
                return m.group(1) + ".mid.block_" + (j + 1) + "." + resnetPart(m.group(4));
            }
            for (var e : ATTENTION.entrySet()) {
                if (j == 0 && m.group(4).startsWith(e.getKey())) {
                    return m.group(1) + ".mid.attn_1." + e.getValue() + m.group(4).substring(e.getKey().length());
                }
            }
        }
        throw new ModelFormatException(where + ": diffusers VAE tensor '" + Printable.of(n) + "' has no LDM equivalent");
    }

    private static String resnetPart(String rest) {
        return rest.startsWith("conv_shortcut.") ? "nin_shortcut." + rest.substring("conv_shortcut.".length()) : rest;
    }
}
