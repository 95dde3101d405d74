package jdiffusion.sd.conditioning;

import jdiffusion.tensor.Tensor;

/**
 * The conditioning of one text: the cross-attention context and, for SDXL, the {@code y} vector
 * that feeds the UNet's {@code label_emb}.
 *
 * @param crossattn [77·k, C] float32 (C = 768 SD1, 1024 SD2, 2048 SDXL, 1280 refiner)
 * @param vector    [2816] (SDXL) / [2560] (refiner) float32, or null for SD1/SD2
 */
public record Cond(Tensor crossattn, Tensor vector) {
    public Cond {
        if (crossattn.rank() != 2) {
            throw new IllegalArgumentException("crossattn must be [tokens, channels], got " + crossattn);
        }
        if (vector != null && vector.rank() != 1) {
            throw new IllegalArgumentException("vector must be [features], got " + vector);
        }
    }

    public int tokens() {
        return crossattn.dim(0);
    }
}
