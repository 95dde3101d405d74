package jdiffusion.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import jdiffusion.sampler.Denoiser;
import jdiffusion.sampler.SamplerInfo;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.Samplers;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.brownian.BrownianTreeNoiseSampler;
import jdiffusion.sampler.cfg.CfgDenoiser;
import jdiffusion.sampler.cfg.CompVisDenoiser;
import jdiffusion.sampler.cfg.CondSchedule;
import jdiffusion.sampler.cfg.Conditioning;
import jdiffusion.sampler.cfg.Parameterization;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sampler.schedule.SchedulerOptions;
import jdiffusion.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What sampling costs besides the UNet: a whole 20-step run of a sampler with a trivial denoiser
 * (D(x) = x/2, i.e. no model), including its noise (the image RNG for ancestral samplers, the
 * Brownian tree for SDE samplers, which draws one fresh generator per tree node), for an SD1.5 512²
 * latent (64×64) and an SDXL 1024² latent (128×128); and one CFG denoiser call (batching cond and
 * uncond rows, c_in scaling, timesteps, guidance) around a trivial model. Divide a run by 20 for the
 * per-step overhead and compare with one UNet call at that size.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar SamplerOverhead}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SamplerOverheadBench {
    static final int STEPS = 20;

    @Param({"Euler a", "DPM++ 2M", "DPM++ SDE", "DPM++ 2M SDE"})
    public String sampler;

    @Param({"64", "128"})
    public int latent;

    private SamplerInfo info;
    private float[] sigmas;
    private int[] item;
    private CfgDenoiser cfg;
    private Tensor x;

    /** A denoiser that costs one pass over the latent. */
    static final Denoiser HALF = (x, s) -> {
        float[] a = x.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            a[i] *= 0.5f;
        }
        return Tensor.of(a, x.shape());
    };

    @Setup(Level.Trial)
    public void setup() {
        DiscreteSchedule sd = DiscreteSchedule.stableDiffusion();
        info = Samplers.byName(sampler);
        sigmas = info.sigmas(Scheduler.AUTOMATIC, STEPS, sd, SchedulerOptions.DEFAULTS).values();
        item = new int[] {4, latent, latent};
        x = ImageRng.of(RngSource.CPU.factory(), item, 1).next();
        Tensor context = Tensor.zeros(1, 77, 768);
        cfg = new CfgDenoiser((xIn, t, c) -> xIn, new CompVisDenoiser(sd, Parameterization.EPSILON),
                CondSchedule.simple(Conditioning.of(context), Conditioning.of(context)), 7.0);
    }

    /** A full 20-step run with a model that costs nothing. */
    @Benchmark
    public Tensor sampleTwentySteps() {
        ImageRng rng = ImageRng.of(RngSource.CPU.factory(), item, 1);
        rng.next();
        SamplingContext ctx = new SamplingContext(HALF, rng,
                info.brownianNoise() ? BrownianTreeNoiseSampler.forSchedule(item, sigmas, new long[] {1}, RngSource.CPU.factory()) : null,
                info.effective(SamplerParams.DEFAULTS), null, null);
        return info.create().sample(x, sigmas, ctx);
    }

    /** One CFG denoiser call (cond + uncond rows) around a model that returns its input. */
    @Benchmark
    public Tensor cfgCall() {
        return cfg.denoise(x, new float[] {3.5f});
    }

    /** For a quick manual run without JMH. */
    public static void main(String[] args) {
        for (String s : List.of("Euler a", "DPM++ 2M", "DPM++ SDE", "DPM++ 2M SDE")) {
            for (int l : new int[] {64, 128}) {
                SamplerOverheadBench b = new SamplerOverheadBench();
                b.sampler = s;
                b.latent = l;
                b.setup();
                for (int i = 0; i < 3; i++) {
                    b.sampleTwentySteps();
                }
                long t0 = System.nanoTime();
                int reps = 5;
                for (int i = 0; i < reps; i++) {
                    b.sampleTwentySteps();
                }
                double ms = (System.nanoTime() - t0) / 1e6 / reps;
                System.out.printf("%-14s %3dx%-3d  20 steps %8.2f ms  (%.2f ms/step)%n", s, l, l, ms, ms / STEPS);
            }
        }
    }
}
