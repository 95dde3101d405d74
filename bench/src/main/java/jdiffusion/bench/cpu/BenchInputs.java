package jdiffusion.bench.cpu;

import java.util.Random;

/** Inputs of the CPU kernel benchmarks: reproducible uniform values in [-0.5, 0.5). */
final class BenchInputs {
    private BenchInputs() {
    }

    static float[] uniform(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        return a;
    }
}
