package jdiffusion.nn.unet;

import jdiffusion.tensor.Tensor;

/**
 * Receives intermediate UNet outputs, named after the LDM modules that produced them:
 * {@code time_embed}, {@code label_emb} (SDXL), {@code input_blocks.N}, {@code middle_block},
 * {@code output_blocks.N}, {@code out}. Used to find the first block that diverges from a reference.
 */
@FunctionalInterface
public interface BlockTrace {
    /** A trace that records nothing. */
    BlockTrace NONE = (name, value) -> { };

    /** {@code value} must not be modified; it may be the tensor the next block reads. */
    void record(String name, Tensor value);
}
