package jdiffusion.bench.cpu;

import java.util.Arrays;
import java.util.Random;

/**
 * Shared pieces of the CPU kernel benchmarks: reproducible inputs, and the warm-up-then-repeat
 * timing of the plain (non-JMH) timers.
 */
final class BenchInputs {
    private BenchInputs() {
    }

    /**
     * Runs {@code op} at least 3 times and for {@code warmSeconds}, then {@code reps} timed runs of
     * {@code inner} calls each; returns the seconds per call of each run, sorted (median at reps / 2).
     */
    static double[] sortedSeconds(Runnable op, double warmSeconds, int reps, int inner) {
        long warmEnd = System.nanoTime() + (long) (warmSeconds * 1e9);
        for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
            op.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            for (int j = 0; j < inner; j++) {
                op.run();
            }
            t[i] = (System.nanoTime() - t0) / 1e9 / inner;
        }
        Arrays.sort(t);
        return t;
    }

    static float[] uniform(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        return a;
    }
}
