package jdiffusion.bench.cpu;

import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;

/**
 * Median-of-N timing of the conv2d and attention benchmark cases (the same cases as
 * {@link ConvBench} and {@link AttentionBench}), for a quick table on a shared machine where
 * JMH's mean is pulled around by other processes. Threads from -Djdiffusion.threads.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar jdiffusion.bench.cpu.KernelTiming}
 */
public final class KernelTiming {
    private KernelTiming() {
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        CpuBackend cpu = new CpuBackend(Parallel.shared());
        Random r = new Random(4);
        System.out.println("threads " + Parallel.shared().threads());
        for (int[] c : new int[][] {{64, 320, 1}, {64, 320, 2}, {128, 128, 1}}) {
            int size = c[0];
            int ch = c[1];
            int stride = c[2];
            Tensor x = Tensor.of(BenchInputs.uniform(r, ch * size * size), 1, ch, size, size);
            Tensor w = Tensor.of(BenchInputs.uniform(r, ch * ch * 9), ch, ch, 3, 3);
            Tensor b = Tensor.of(BenchInputs.uniform(r, ch), ch);
            int out = size / stride;
            double flops = 2.0 * ch * ch * 9 * out * out;
            report(String.format(Locale.ROOT, "conv3x3 %dx%dx%d stride %d", size, size, ch, stride), flops, reps,
                    () -> cpu.conv2d(x, w, b, stride, 1));
        }
        for (int keys : new int[] {4096, 77}) {
            Tensor q = Tensor.of(BenchInputs.uniform(r, 4096 * 320), 1, 4096, 320);
            Tensor k = Tensor.of(BenchInputs.uniform(r, keys * 320), 1, keys, 320);
            Tensor v = Tensor.of(BenchInputs.uniform(r, keys * 320), 1, keys, 320);
            double flops = 4.0 * 8 * 4096 * keys * 40;
            report("attention 4096x" + keys + " 8 heads of 40", flops, reps, () -> cpu.attention(q, k, v, 8, false));
        }
    }

    private static void report(String what, double flops, int reps, Supplier<Tensor> op) {
        double[] t = BenchInputs.sortedSeconds(op::get, 2.0, reps, 1);
        double med = t[reps / 2];
        System.out.printf(Locale.ROOT, "%-36s median %8.2f ms  best %8.2f ms  %6.1f GFLOP/s (median)%n",
                what, med * 1e3, t[0] * 1e3, flops / med / 1e9);
    }
}
