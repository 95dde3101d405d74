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
 * conv2d 3x3, padding 1, with bias, through the CPU backend: 64×64×320 → 320 (SD1.5 UNet's first
 * level at 512²; stride 1 and the stride-2 downsample) and 128×128×128 → 128 (VAE decoder level),
 * batch 1. GFLOP/s = 2·O·C·9·Ho·Wo / time.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar cpu.ConvBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBench {
    /** size x size x channels, stride. */
    @Param({"64x320s1", "64x320s2", "128x128s1"})
    public String config;

    private Backend cpu;
    private Tensor x;
    private Tensor w;
    private Tensor bias;
    private int stride;

    @Setup
    public void setup() {
        int size = Integer.parseInt(config.substring(0, config.indexOf('x')));
        int ch = Integer.parseInt(config.substring(config.indexOf('x') + 1, config.indexOf('s')));
        stride = Integer.parseInt(config.substring(config.indexOf('s') + 1));
        cpu = new CpuBackend(Parallel.shared());
        java.util.Random r = new java.util.Random(2);
        x = Tensor.of(BenchInputs.uniform(r, ch * size * size), 1, ch, size, size);
        w = Tensor.of(BenchInputs.uniform(r, ch * ch * 9), ch, ch, 3, 3);
        bias = Tensor.of(BenchInputs.uniform(r, ch), ch);
    }

    @Benchmark
    public Tensor conv() {
        return cpu.conv2d(x, w, bias, stride, 1);
    }
}
