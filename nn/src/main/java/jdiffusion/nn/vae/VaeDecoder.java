package jdiffusion.nn.vae;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.loaders.config.VaeConfig;
import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Conv2d;
import jdiffusion.nn.layers.GroupNorm;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * LDM {@code Decoder} ({@code first_stage_model.decoder.*}): conv_in from z_channels; mid (block_1,
 * attn_1, block_2); then levels from the LOWEST resolution up — {@code up.N} is numbered like the
 * encoder's {@code down.N}, so {@code up.(levels−1)} runs first — each with num_res_blocks + 1
 * ResnetBlocks and, except for {@code up.0}, {@code up.N.upsample.conv} after nearest 2×;
 * norm_out + SiLU; conv_out to image channels.
 */
final class VaeDecoder {
    private final Backend backend;
    private final Conv2d convIn;
    private final VaeResnetBlock midBlock1;
    private final VaeAttnBlock midAttn;
    private final VaeResnetBlock midBlock2;
    /** Indexed by LDM level N (up.N), not by execution order. */
    private final List<List<VaeResnetBlock>> up;
    private final List<Conv2d> upsample;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    VaeDecoder(Weights w, VaeConfig c) {
        backend = w.backend();
        int ch = c.baseChannels();
        List<Integer> mult = c.channelMult();
        int levels = mult.size();
        int blockIn = ch * mult.get(levels - 1);
        convIn = Conv2d.load(w.at("conv_in"), c.zChannels(), blockIn, 3, 1, 1);
        midBlock1 = new VaeResnetBlock(w.at("mid.block_1"), blockIn, blockIn);
        midAttn = new VaeAttnBlock(w.at("mid.attn_1"), blockIn);
        midBlock2 = new VaeResnetBlock(w.at("mid.block_2"), blockIn, blockIn);
        List<List<VaeResnetBlock>> blocksByLevel = new ArrayList<>();
        List<Conv2d> ups = new ArrayList<>();
        for (int level = 0; level < levels; level++) {
            blocksByLevel.add(null);
            ups.add(null);
        }
        for (int level = levels - 1; level >= 0; level--) {
            int blockOut = ch * mult.get(level);
            List<VaeResnetBlock> blocks = new ArrayList<>();
            for (int m = 0; m <= c.numResBlocks(); m++) {
                blocks.add(new VaeResnetBlock(w.at("up." + level + ".block." + m), blockIn, blockOut));
                blockIn = blockOut;
            }
            blocksByLevel.set(level, List.copyOf(blocks));
            if (level > 0) {
                ups.set(level, Conv2d.load(w.at("up." + level + ".upsample.conv"), blockIn, blockIn, 3, 1, 1));
            }
        }
        up = blocksByLevel;
        upsample = ups;
        normOut = GroupNorm.load(w.at("norm_out"), VaeResnetBlock.GROUPS, blockIn, VaeResnetBlock.EPS);
        convOut = Conv2d.load(w.at("conv_out"), blockIn, c.inChannels(), 3, 1, 1);
    }

    // z: [B, z, h, w] -> [B, 3, h·2^(levels−1), w·2^(levels−1)]
    Tensor forward(Tensor z) {
        Tensor h = convIn.forward(z);
        h = midBlock2.forward(midAttn.forward(midBlock1.forward(h)));
        for (int level = up.size() - 1; level >= 0; level--) {
            for (VaeResnetBlock block : up.get(level)) {
                h = block.forward(h);
            }
            if (level > 0) {
                h = upsample.get(level).forward(backend.upsampleNearest2x(h));
            }
        }
        return convOut.forward(normOut.forwardSilu(h));
    }
}
