package jdiffusion.nn.unet;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.GroupNorm;
import jdiffusion.nn.layers.Linear;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * LDM {@code SpatialTransformer}: x + proj_out(blocks(proj_in(norm(x)) as tokens)). {@code norm} is
 * GroupNorm(32, eps 1e-6); proj_in/proj_out are 1×1 convolutions (SD1) or Linears (SD2/SDXL) —
 * the same per-pixel map, applied here as a Linear on channels-last tokens in both cases, which
 * changes only where the [C, H·W] → [H·W, C] transpose happens.
 */
final class SpatialTransformer implements UNetLayer {
    private static final int GROUPS = 32;
    private static final float EPS = 1e-6f;

    private final Backend backend;
    private final GroupNorm norm;
    private final Linear projIn;
    private final List<BasicTransformerBlock> blocks;
    private final Linear projOut;

    SpatialTransformer(Weights w, int channels, int heads, int depth, int contextDim) {
        if (heads <= 0 || channels % heads != 0) {
            throw new IllegalArgumentException(w.key("norm") + ": " + channels + " channels cannot be split into "
                    + heads + " heads");
        }
        this.backend = w.backend();
        int dimHead = channels / heads;
        norm = GroupNorm.load(w.at("norm"), GROUPS, channels, EPS);
        projIn = Linear.loadPointwise(w.at("proj_in"), channels, channels);
        List<BasicTransformerBlock> bs = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            bs.add(new BasicTransformerBlock(w.at("transformer_blocks." + i), channels, heads, dimHead, contextDim));
        }
        blocks = List.copyOf(bs);
        projOut = Linear.loadPointwise(w.at("proj_out"), channels, channels);
    }

    // x: [B, C, H, W], context: [B, L, contextDim] -> [B, C, H, W]
    @Override
    public Tensor forward(Tensor x, Tensor embSilu, Tensor context) {
        int b = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        Tensor t = backend.permute(norm.forward(x), 0, 2, 3, 1).reshape(b, h * w, c);   // tokens [B, HW, C]
        t = projIn.forward(t);
        for (BasicTransformerBlock block : blocks) {
            t = block.forward(t, context);
        }
        t = projOut.forward(t);
        Tensor y = backend.permute(t.reshape(b, h, w, c), 0, 3, 1, 2);                 // [B, C, H, W]
        return backend.addInPlace(y, x);
    }
}
