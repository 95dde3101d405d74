package jdiffusion.sampler;

import jdiffusion.tensor.Tensor;

/**
 * Thrown when the cancellation check fires before a denoiser call. Like the webui's
 * {@code InterruptedException} handling, it carries the last denoised estimate (null if none was made
 * yet) so a caller can still decode a preview of what was reached.
 */
public final class SamplingCancelledException extends RuntimeException {
    private final transient Tensor lastDenoised;
    private final int modelCalls;

    public SamplingCancelledException(int modelCalls, Tensor lastDenoised) {
        super("sampling cancelled after " + modelCalls + " denoiser call" + (modelCalls == 1 ? "" : "s"));
        this.modelCalls = modelCalls;
        this.lastDenoised = lastDenoised;
    }

    /** The last denoised latent [B, C, h, w], or null when cancelled before the first call. */
    public Tensor lastDenoised() {
        return lastDenoised;
    }

    public int modelCalls() {
        return modelCalls;
    }
}
