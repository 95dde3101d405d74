package jdiffusion.sd.pipeline;

/**
 * What a generation reports while it runs. All methods have empty defaults; they are called on the
 * generating thread, in order.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() { };

    /** A phase begins (phases can repeat: one text/sampling/decode phase per batch iteration). */
    default void phaseStarted(Phase phase) {
    }

    /** A phase ends after {@code nanos} nanoseconds. */
    default void phaseFinished(Phase phase, long nanos) {
    }

    /** A sampler step finished. */
    default void step(StepProgress step) {
    }

    /** Whether {@link #tensor} should be called (copies cost memory; off by default). */
    default boolean wantsTensors() {
        return false;
    }

    /** An intermediate tensor (only when {@link #wantsTensors()}). */
    default void tensor(TensorEvent event) {
    }

    /** An image is finished (before the next one is decoded). */
    default void image(GeneratedImage image) {
    }

    /**
     * A Batch-tab input is finished ({@link Pipeline#img2imgBatch}): its images can be saved now, so a
     * cancelled batch keeps the outputs of the inputs done before.
     */
    default void batchItem(BatchResult.Item item) {
    }

    /** A non-fatal problem (a LoRA not found, an embedding skipped, ...). */
    default void warning(String message) {
    }
}
