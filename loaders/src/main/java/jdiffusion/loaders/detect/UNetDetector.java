package jdiffusion.loaders.detect;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.config.UNetConfig;

/**
 * Derives the LDM UNet hyper-parameters from names and shapes under {@code model.diffusion_model.}:
 * model channels and input channels from {@code input_blocks.0.0.weight}, levels from the
 * downsamplers ({@code input_blocks.N.0.op}), channel multipliers from each level's ResBlock widths,
 * transformer depth per level from counting {@code transformer_blocks}, context width from
 * {@code attn2.to_k}, linear vs 1×1-conv projection from the rank of {@code proj_in}, and the
 * vector-conditioning width from {@code label_emb.0.0.weight}.
 */
final class UNetDetector {
    private UNetDetector() {
    }

    /** The attention-head rule, which depends on the family, not on the weights. */
    record Heads(int numHeads, int headDim) {
    }

    static UNetConfig detect(Keys k, String p, Heads heads) {
        int[] first = k.shape(p + "input_blocks.0.0.weight", 4);
        int modelChannels = first[0];
        int inChannels = first[1];
        int outChannels = k.dim(p + "out.2.weight", 4, 0);
        int blocks = k.count(p + "input_blocks.");
        List<Integer> levelChannels = new ArrayList<>();
        List<Integer> levelDepth = new ArrayList<>();
        int resInLevel = 0;
        int numRes = -1;
        String context = null;
        String projIn = null;
        for (int i = 1; i < blocks; i++) {
            String b = p + "input_blocks." + i + ".";
            if (k.has(b + "0.op.weight")) {
                if (numRes < 0) {
                    numRes = resInLevel;
                } else if (numRes != resInLevel) {
                    throw new ModelFormatException(k.where() + ": UNet level " + (levelChannels.size() - 1) + " has "
                            + resInLevel + " ResBlocks, the first level " + numRes);
                }
                resInLevel = 0;
                continue;
            }
            if (!k.has(b + "0.out_layers.3.weight")) {
                throw new ModelFormatException(k.where() + ": UNet input block " + i + " is neither a ResBlock nor a downsampler");
            }
            int ch = k.dim(b + "0.out_layers.3.weight", 4, 0);
            int depth = k.count(b + "1.transformer_blocks.");
            if (resInLevel == 0) {
                levelChannels.add(ch);
                levelDepth.add(depth);
            } else if (levelChannels.getLast() != ch || levelDepth.getLast() != depth) {
                throw new ModelFormatException(k.where() + ": UNet input block " + i + " has " + ch + " channels and "
                        + depth + " transformer blocks; its level has " + levelChannels.getLast() + " and "
                        + levelDepth.getLast() + " (non-uniform levels are not supported)");
            }
            if (depth > 0 && context == null) {
                context = b + "1.transformer_blocks.0.attn2.to_k.weight";
                projIn = b + "1.proj_in.weight";
            }
            resInLevel++;
        }
        if (levelChannels.isEmpty()) {
            throw new ModelFormatException(k.where() + ": UNet has no ResBlocks in input_blocks");
        }
        if (numRes < 0) {
            numRes = resInLevel;
        } else if (resInLevel != numRes) {
            throw new ModelFormatException(k.where() + ": the last UNet level has " + resInLevel + " ResBlocks, expected " + numRes);
        }
        List<Integer> mult = new ArrayList<>();
        for (int ch : levelChannels) {
            if (ch % modelChannels != 0) {
                throw new ModelFormatException(k.where() + ": UNet level width " + ch + " is not a multiple of " + modelChannels);
            }
            mult.add(ch / modelChannels);
        }
        int middleDepth = k.count(p + "middle_block.1.transformer_blocks.");
        if (middleDepth > 0 && context == null) {
            context = p + "middle_block.1.transformer_blocks.0.attn2.to_k.weight";
            projIn = p + "middle_block.1.proj_in.weight";
        }
        if (context == null) {
            throw new ModelFormatException(k.where() + ": UNet has no cross-attention (no transformer_blocks)");
        }
        checkOutputBlocks(k, p, levelDepth, numRes);
        int contextDim = k.dim(context, 2, 1);
        boolean linear = k.shape(projIn, -1).length == 2;
        int adm = k.has(p + "label_emb.0.0.weight") ? k.dim(p + "label_emb.0.0.weight", 2, 1) : 0;
        for (int ch : levelChannels) {
            if (heads.headDim() > 0 && ch % heads.headDim() != 0) {
                throw new ModelFormatException(k.where() + ": UNet width " + ch + " is not a multiple of the head width "
                        + heads.headDim());
            }
        }
        return new UNetConfig(inChannels, outChannels, modelChannels, mult, numRes, levelDepth, middleDepth,
                heads.numHeads(), heads.headDim(), contextDim, linear, adm);
    }

    /** The decoder mirrors the encoder: levels × (numRes + 1) blocks with the same transformer depths. */
    private static void checkOutputBlocks(Keys k, String p, List<Integer> levelDepth, int numRes) {
        int levels = levelDepth.size();
        int outputs = k.count(p + "output_blocks.");
        if (outputs != levels * (numRes + 1)) {
            throw new ModelFormatException(k.where() + ": UNet has " + outputs + " output blocks, expected "
                    + levels * (numRes + 1) + " for " + levels + " levels of " + numRes + " ResBlocks");
        }
        for (int j = 0; j < outputs; j++) {
            int level = levels - 1 - j / (numRes + 1);
            int depth = k.count(p + "output_blocks." + j + ".1.transformer_blocks.");
            if (depth != levelDepth.get(level)) {
                throw new ModelFormatException(k.where() + ": UNet output block " + j + " has " + depth
                        + " transformer blocks, its level " + level + " has " + levelDepth.get(level) + " in the encoder");
            }
        }
    }
}
