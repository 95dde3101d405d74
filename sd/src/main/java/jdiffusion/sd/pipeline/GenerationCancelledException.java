package jdiffusion.sd.pipeline;

/** Thrown when a {@link Cancellation} stops a generation; {@link #partial()} holds the images finished before. */
public final class GenerationCancelledException extends RuntimeException {
    private final transient GenerationResult partial;

    public GenerationCancelledException(GenerationResult partial) {
        super("generation cancelled after " + partial.images().size() + " image(s)");
        this.partial = partial;
    }

    public GenerationResult partial() {
        return partial;
    }
}
