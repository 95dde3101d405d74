package jdiffusion.sd.pipeline;

import java.util.function.Supplier;

/** Times phases into a {@link Timings} and reports them to the listener. */
final class PhaseTimer {
    private final ProgressListener listener;
    private final Timings timings = new Timings();

    PhaseTimer(ProgressListener listener) {
        this.listener = listener;
    }

    Timings timings() {
        return timings;
    }

    <T> T run(Phase phase, Supplier<T> work) {
        listener.phaseStarted(phase);
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            long dt = System.nanoTime() - t0;
            timings.add(phase, dt);
            listener.phaseFinished(phase, dt);
        }
    }

    void run(Phase phase, Runnable work) {
        run(phase, () -> {
            work.run();
            return null;
        });
    }
}
