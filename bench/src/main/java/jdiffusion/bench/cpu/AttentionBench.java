package jdiffusion.bench.cpu;

import java.util.concurrent.TimeUnit;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
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
 * Attention through the CPU backend at SD1.5 512² level-1 sizes, batch 1, 8 heads of 40: self
 * (4096 queries × 4096 keys) and cross (4096 × 77 text tokens). GFLOP/s = 4·B·H·Lq·Lk·D / time
 * (the two products; softmax not counted).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar cpu.AttentionBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AttentionBench {
    @Param({"4096", "77"})
    public int keys;

    private Backend cpu;
    private Tensor q;
    private Tensor k;
    private Tensor v;

    @Setup
    public void setup() {
        cpu = new CpuBackend(Parallel.shared());
        java.util.Random r = new java.util.Random(3);
        q = Tensor.of(BenchInputs.uniform(r, 4096 * 320), 1, 4096, 320);
        k = Tensor.of(BenchInputs.uniform(r, keys * 320), 1, keys, 320);
        v = Tensor.of(BenchInputs.uniform(r, keys * 320), 1, keys, 320);
    }

    @Benchmark
    public Tensor attention() {
        return cpu.attention(q, k, v, 8, false);
    }
}
