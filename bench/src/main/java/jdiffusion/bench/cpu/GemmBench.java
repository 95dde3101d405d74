package jdiffusion.bench.cpu;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdiffusion.tensor.ArrayStorage;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.cpu.Gemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SGEMM on the shared pool (all cores, or -Djdiffusion.threads) at 2048³ and the SD1.5 UNet's
 * shapes (M = tokens/pixels, K = in, N = out), B as a row-major [K,N] array ({@code transB=false},
 * like numpy's {@code a @ b}) or as a linear layer's [N,K] weight ({@code transB=true}).
 * GFLOP/s = 2·M·N·K / time.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar cpu.GemmBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBench {
    @Param({"2048x2048x2048", "4096x320x320", "4096x320x1280", "1024x640x640", "64x1280x1280"})
    public String shape;

    @Param({"false", "true"})
    public boolean transB;

    private int m;
    private int k;
    private int n;
    private float[] a;
    private ArrayStorage b;
    private float[] c;

    @Setup
    public void setup() {
        String[] d = shape.split("x");
        m = Integer.parseInt(d[0]);
        k = Integer.parseInt(d[1]);
        n = Integer.parseInt(d[2]);
        Random r = new Random(1);
        a = BenchInputs.uniform(r, m * k);
        b = new ArrayStorage(BenchInputs.uniform(r, k * n));
        c = new float[m * n];
    }

    @Benchmark
    public float[] gemm() {
        Gemm.gemm(Parallel.shared(), m, n, k, a, 0, k, false, b, 0, transB, c, 0, n, false);
        return c;
    }
}
