package jdiffusion.sd.pipeline;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The webui's "Interrupt": set from any thread; the running generation stops before its next
 * denoiser call and throws {@link GenerationCancelledException} carrying the images finished so far.
 */
public final class Cancellation implements BooleanSupplier {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** A token that is never cancelled unless {@link #cancel()} is called. */
    public static Cancellation none() {
        return new Cancellation();
    }

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    @Override
    public boolean getAsBoolean() {
        return cancelled.get();
    }
}
