package jdiffusion.loaders.convert;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.Printable;
import jdiffusion.loaders.TensorSource;

/**
 * Maps a diffusers {@code UNet2DConditionModel} state dict onto the LDM {@code UNetModel} names
 * (the inverse of diffusers' diffusers→original conversion): {@code down_blocks.i.resnets.j} is
 * {@code input_blocks.(n+1)·i+j+1.0}, its attention {@code ….1}, the downsampler
 * {@code input_blocks.(n+1)·(i+1).0.op}; up block i's resnet j is {@code output_blocks.(n+1)·i+j.0},
 * its upsampler sits after the attention when the block has one; ResNet parts are renamed
 * (norm1 → in_layers.0, conv1 → in_layers.2, ...). n = resnets per down block, read from the names.
 */
public final class DiffusersUNet {
    private static final Pattern DOWN = Pattern.compile("down_blocks\\.(\\d+)\\.(resnets|attentions)\\.(\\d+)\\.(.+)");
    private static final Pattern DOWNSAMPLE = Pattern.compile("down_blocks\\.(\\d+)\\.downsamplers\\.0\\.conv\\.(.+)");
    private static final Pattern UP = Pattern.compile("up_blocks\\.(\\d+)\\.(resnets|attentions)\\.(\\d+)\\.(.+)");
    private static final Pattern UPSAMPLE = Pattern.compile("up_blocks\\.(\\d+)\\.upsamplers\\.0\\.(.+)");
    private static final Pattern MID = Pattern.compile("mid_block\\.(resnets|attentions)\\.(\\d+)\\.(.+)");
    private static final Pattern INDEX = Pattern.compile("(down_blocks\\.0\\.resnets|up_blocks\\.(\\d+)\\.attentions)\\.(\\d+)\\..*");
    private static final Map<String, String> TOP = Map.of(
            "time_embedding.linear_1.", "time_embed.0.",
            "time_embedding.linear_2.", "time_embed.2.",
            "conv_in.", "input_blocks.0.0.",
            "conv_norm_out.", "out.0.",
            "conv_out.", "out.2.",
            "add_embedding.linear_1.", "label_emb.0.0.",
            "add_embedding.linear_2.", "label_emb.0.2.");
    private static final Map<String, String> RESNET = Map.of(
            "norm1.", "in_layers.0.",
            "conv1.", "in_layers.2.",
            "norm2.", "out_layers.0.",
            "conv2.", "out_layers.3.",
            "time_emb_proj.", "emb_layers.1.",
            "conv_shortcut.", "skip_connection.");

    private DiffusersUNet() {
    }

    /** True when the names look like a diffusers UNet (no prefix). */
    public static boolean matches(Set<String> names) {
        return names.contains("conv_in.weight") && names.contains("time_embedding.linear_1.weight");
    }

    /** Adds every tensor of {@code unet} (diffusers names) under {@code prefix} + its LDM name. */
    public static void map(TensorSource unet, String prefix, ViewSource.Builder out) {
        int resnets = 0;
        Set<Integer> upWithAttention = new HashSet<>();
        for (String n : unet.names()) {
            Matcher m = INDEX.matcher(n);
            if (m.matches()) {
                if (m.group(2) == null) {
                    resnets = Math.max(resnets, Integer.parseInt(m.group(3)) + 1);
                } else {
                    upWithAttention.add(Integer.parseInt(m.group(2)));
                }
            }
        }
        if (resnets == 0) {
            throw new ModelFormatException(unet.description() + ": diffusers UNet has no down_blocks.0.resnets");
        }
        for (String n : unet.names()) {
            out.alias(prefix + ldmName(n, resnets, upWithAttention, unet.description()), unet, n);
        }
    }

    static String ldmName(String n, int resnets, Set<Integer> upWithAttention, String where) {
        for (var e : TOP.entrySet()) {
            if (n.startsWith(e.getKey())) {
                return e.getValue() + n.substring(e.getKey().length());
            }
        }
        int per = resnets + 1;
        Matcher m = DOWN.matcher(n);
        if (m.matches()) {
            int block = per * index(m.group(1), where, n) + index(m.group(3), where, n) + 1;
            return m.group(2).equals("resnets")
                    ? "input_blocks." + block + ".0." + resnetPart(m.group(4), where, n)
                    : "input_blocks." + block + ".1." + m.group(4);
        }
        m = DOWNSAMPLE.matcher(n);
        if (m.matches()) {
            return "input_blocks." + per * (index(m.group(1), where, n) + 1) + ".0.op." + m.group(2);
        }
        m = UP.matcher(n);
        if (m.matches()) {
            int block = per * index(m.group(1), where, n) + index(m.group(3), where, n);
            return m.group(2).equals("resnets")
                    ? "output_blocks." + block + ".0." + resnetPart(m.group(4), where, n)
                    : "output_blocks." + block + ".1." + m.group(4);
        }
        m = UPSAMPLE.matcher(n);
        if (m.matches()) {
            int i = index(m.group(1), where, n);
            return "output_blocks." + (per * i + resnets) + "." + (upWithAttention.contains(i) ? 2 : 1) + "." + m.group(2);
        }
        m = MID.matcher(n);
        if (m.matches()) {
            int j = index(m.group(2), where, n);
            return m.group(1).equals("resnets")
                    ? "middle_block." + 2 * j + "." + resnetPart(m.group(3), where, n)
                    : "middle_block." + (2 * j + 1) + "." + m.group(3);
        }
        throw new ModelFormatException(where + ": diffusers UNet tensor '" + Printable.of(n) + "' has no LDM equivalent");
    }

    private static String resnetPart(String rest, String where, String n) {
        for (var e : RESNET.entrySet()) {
            if (rest.startsWith(e.getKey())) {
                return e.getValue() + rest.substring(e.getKey().length());
            }
        }
        throw new ModelFormatException(where + ": diffusers UNet ResNet tensor '" + Printable.of(n) + "' is not recognised");
    }

    static int index(String digits, String where, String n) {
        if (digits.length() > 6) {
            throw new ModelFormatException(where + ": block index in '" + Printable.of(n) + "' is out of range");
        }
        return Integer.parseInt(digits);
    }
}
