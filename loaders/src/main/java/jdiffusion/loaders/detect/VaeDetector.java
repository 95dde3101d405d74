package jdiffusion.loaders.detect;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.config.VaeConfig;

/**
 * AutoencoderKL hyper-parameters from names and shapes under a prefix ({@code first_stage_model.}):
 * base channels from {@code encoder.conv_in}, levels and multipliers from
 * {@code encoder.down.N.block.0}, ResBlocks per level, latent channels from {@code decoder.conv_in}.
 * The scaling factor is not in the weights: it belongs to the family (given by the caller).
 */
final class VaeDetector {
    private VaeDetector() {
    }

    static boolean present(Keys k, String p) {
        return k.has(p + "encoder.conv_in.weight") || k.has(p + "decoder.conv_in.weight");
    }

    static VaeConfig detect(Keys k, String p, float scalingFactor) {
        int[] in = k.shape(p + "encoder.conv_in.weight", 4);
        int ch = in[0];
        int levels = k.count(p + "encoder.down.");
        if (levels == 0) {
            throw new ModelFormatException(k.where() + ": VAE encoder has no down blocks ('" + p + "encoder.down.N')");
        }
        List<Integer> mult = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            int w = k.dim(p + "encoder.down." + l + ".block.0.conv2.weight", 4, 0);
            if (w % ch != 0) {
                throw new ModelFormatException(k.where() + ": VAE level width " + w + " is not a multiple of " + ch);
            }
            mult.add(w / ch);
        }
        int numRes = k.count(p + "encoder.down.0.block.");
        int z = k.has(p + "decoder.conv_in.weight")
                ? k.dim(p + "decoder.conv_in.weight", 4, 1)
                : k.dim(p + "encoder.conv_out.weight", 4, 0) / 2;
        return new VaeConfig(in[1], ch, mult, numRes, z, scalingFactor);
    }
}
