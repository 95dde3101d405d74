package jdiffusion.bench.cpu;

import java.util.Locale;
import java.util.Random;
import jdiffusion.tensor.ArrayStorage;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.cpu.Gemm;

/**
 * Plain timing of our SGEMM for {@code bench/gemm-vs-numpy.sh}: for each shape MxKxN, warm up, then
 * the median of repeated runs; prints one line per shape "M K N gflops". Arguments: shapes as
 * MxKxN, optional "--transB" (B as a row-major [N,K] weight, as linear layers use it) and
 * "--reps=R". Threads from -Djdiffusion.threads (default: all cores).
 */
public final class GemmTiming {
    private GemmTiming() {
    }

    public static void main(String[] args) {
        boolean transB = false;
        int reps = 7;
        Parallel par = Parallel.shared();
        for (String s : args) {
            if (s.equals("--transB")) {
                transB = true;
            } else if (s.startsWith("--reps=")) {
                reps = Integer.parseInt(s.substring(7));
            }
        }
        for (String s : args) {
            if (s.startsWith("--")) {
                continue;
            }
            String[] d = s.split("x");
            if (d.length != 3) {
                System.err.println("shape '" + s + "': expected MxKxN, e.g. 2048x2048x2048");
                System.exit(2);
            }
            int m = Integer.parseInt(d[0]);
            int k = Integer.parseInt(d[1]);
            int n = Integer.parseInt(d[2]);
            double gf = measure(par, m, k, n, transB, reps);
            System.out.printf(Locale.ROOT, "%d %d %d %.1f%n", m, k, n, gf);
        }
    }

    /** Median GFLOP/s of {@code reps} timed runs after a time-bounded warm-up. */
    public static double measure(Parallel par, int m, int k, int n, boolean transB, int reps) {
        Random r = new Random(1);
        float[] a = BenchInputs.uniform(r, m * k);
        ArrayStorage bs = new ArrayStorage(BenchInputs.uniform(r, k * n));
        float[] c = new float[m * n];
        int inner = Math.max(1, (int) (2e9 / (2.0 * m * n * k * 20)));
        double[] t = BenchInputs.sortedSeconds(() -> Gemm.gemm(par, m, n, k, a, 0, k, false, bs, 0, transB, c, 0, n, false),
                1.5, reps, inner);
        return 2.0 * m * n * k / t[reps / 2] / 1e9;
    }
}
