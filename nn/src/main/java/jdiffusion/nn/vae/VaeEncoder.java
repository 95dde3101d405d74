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
 * LDM {@code Encoder} ({@code first_stage_model.encoder.*}): conv_in; per level {@code down.N.block.M}
 * ResnetBlocks and, except at the last level, {@code down.N.downsample.conv}; mid (block_1, attn_1,
 * block_2); norm_out + SiLU; conv_out to 2·z_channels (mean and log-variance).
 */
final class VaeEncoder {
    private final Backend backend;
    private final Conv2d convIn;
    private final List<List<VaeResnetBlock>> down;
    private final List<Conv2d> downsample;
    private final VaeResnetBlock midBlock1;
    private final VaeAttnBlock midAttn;
    private final VaeResnetBlock midBlock2;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    VaeEncoder(Weights w, VaeConfig c) {
        backend = w.backend();
        int ch = c.baseChannels();
        List<Integer> mult = c.channelMult();
        convIn = Conv2d.load(w.at("conv_in"), c.inChannels(), ch, 3, 1, 1);
        List<List<VaeResnetBlock>> levels = new ArrayList<>();
        List<Conv2d> downs = new ArrayList<>();
        int blockIn = ch;
        for (int level = 0; level < mult.size(); level++) {
            int blockOut = ch * mult.get(level);
            List<VaeResnetBlock> blocks = new ArrayList<>();
            for (int m = 0; m < c.numResBlocks(); m++) {
                blocks.add(new VaeResnetBlock(w.at("down." + level + ".block." + m), blockIn, blockOut));
                blockIn = blockOut;
            }
            levels.add(List.copyOf(blocks));
            if (level < mult.size() - 1) {
                // Padding 0 here: the forward pads right and bottom by one first (LDM's asymmetric pad).
                downs.add(Conv2d.load(w.at("down." + level + ".downsample.conv"), blockIn, blockIn, 3, 2, 0));
            }
        }
        down = List.copyOf(levels);
        downsample = List.copyOf(downs);
        midBlock1 = new VaeResnetBlock(w.at("mid.block_1"), blockIn, blockIn);
        midAttn = new VaeAttnBlock(w.at("mid.attn_1"), blockIn);
        midBlock2 = new VaeResnetBlock(w.at("mid.block_2"), blockIn, blockIn);
        normOut = GroupNorm.load(w.at("norm_out"), VaeResnetBlock.GROUPS, blockIn, VaeResnetBlock.EPS);
        convOut = Conv2d.load(w.at("conv_out"), blockIn, 2 * c.zChannels(), 3, 1, 1);
    }

    // x: [B, 3, H, W] -> [B, 2z, H/2^(levels−1), W/2^(levels−1)]; each pad-then-stride-2 conv halves an even size
    Tensor forward(Tensor x) {
        Tensor h = convIn.forward(x);
        for (int level = 0; level < down.size(); level++) {
            for (VaeResnetBlock block : down.get(level)) {
                h = block.forward(h);
            }
            if (level < downsample.size()) {
                h = downsample.get(level).forward(backend.pad2d(h, 0, 1, 0, 1));
            }
        }
        h = midBlock2.forward(midAttn.forward(midBlock1.forward(h)));
        return convOut.forward(normOut.forwardSilu(h));
    }
}
