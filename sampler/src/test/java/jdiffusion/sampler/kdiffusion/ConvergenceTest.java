package jdiffusion.sampler.kdiffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdiffusion.sampler.Denoiser;
import jdiffusion.sampler.KSampler;
import jdiffusion.sampler.SamplerInfo;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.Samplers;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sampler.schedule.SchedulerOptions;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An independent check of every deterministic path (η = 0), including the samplers and branches no
 * fixture covers: with the exact denoiser of Gaussian data N(c, s²), the probability-flow ODE has the
 * closed-form solution x(0) = c + (x(σ0) − c)·sqrt(s²/(s² + σ0²)); each sampler must approach it, the
 * error shrinking as steps are added.
 */
class ConvergenceTest {
    private static final float S2 = 0.25f;
    private static final int N = 2 * 4 * 5 * 3;

    private static Denoiser gaussian(float[] c) {
        return (x, sigmas) -> {
            float[] xs = x.toFloatArray();
            int per = xs.length / sigmas.length;
            float[] out = new float[xs.length];
            for (int b = 0; b < sigmas.length; b++) {
                double sig2 = (double) sigmas[b] * sigmas[b];
                for (int i = b * per; i < (b + 1) * per; i++) {
                    out[i] = (float) ((S2 * xs[i] + sig2 * c[i]) / (S2 + sig2));
                }
            }
            return Tensor.of(out, x.shape());
        };
    }

    private static double error(String name, int steps) {
        SplittableRandom r = new SplittableRandom(11);
        float[] c = new float[N];
        float[] x0 = new float[N];
        for (int i = 0; i < N; i++) {
            c[i] = (float) (r.nextDouble() - 0.5);
        }
        SamplerInfo info = Samplers.byName(name);
        DiscreteSchedule sd = DiscreteSchedule.stableDiffusion();
        float[] sigmas = info.sigmas(Scheduler.KARRAS, steps, sd, SchedulerOptions.DEFAULTS).values();
        for (int i = 0; i < N; i++) {
            x0[i] = c[i] + sigmas[0] * (float) (r.nextDouble() * 2 - 1);
        }
        SamplerParams p = SamplerParams.DEFAULTS.withEta(0);
        SamplingContext ctx = new SamplingContext(gaussian(c), () -> Tensor.zeros(2, 4, 5, 3), (a, b) -> Tensor.zeros(2, 4, 5, 3),
                p, null, null);
        KSampler sampler = info.create();
        float[] out = sampler.sample(Tensor.of(x0.clone(), 2, 4, 5, 3), sigmas, ctx).toFloatArray();
        double s0 = sigmas[0];
        double factor = Math.sqrt(S2 / (S2 + s0 * s0));
        double max = 0;
        for (int i = 0; i < N; i++) {
            double exact = c[i] + (x0[i] - c[i]) * factor;
            max = Math.max(max, Math.abs(out[i] - exact));
        }
        return max;
    }

    @org.junit.jupiter.api.Test
    void dpmFastWithTheModelRangeLikeTxt2img() {
        DiscreteSchedule sd = DiscreteSchedule.stableDiffusion();
        float[] c = new float[N];
        Tensor x = Tensor.full(3f, 2, 4, 5, 3);
        SamplingContext ctx = new SamplingContext(gaussian(c), () -> Tensor.zeros(2, 4, 5, 3), null,
                SamplerParams.DEFAULTS.withEta(0), null, null);
        float[] out = new DpmSolver(false).sample(x, sd.sigmaMin(), sd.sigmaMax(), 30, ctx).toFloatArray();
        assertEquals(30, ctx.modelCalls());
        // c = 0: x(σmin) = 3·sqrt((s² + σmin²)/(s² + σmax²))
        double expected = 3 * Math.sqrt((S2 + (double) sd.sigmaMin() * sd.sigmaMin()) / (S2 + (double) sd.sigmaMax() * sd.sigmaMax()));
        assertEquals(expected, out[0], 1e-3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Euler", "Euler a", "Heun", "DPM2", "DPM2 a", "LMS", "DPM++ 2M", "DPM++ 2S a", "DPM++ SDE",
        "DPM++ 2M SDE", "DPM++ 2M SDE Heun", "DPM++ 3M SDE", "DPM fast", "DPM adaptive"})
    void deterministicPathsConvergeToTheExactOdeSolution(String name) {
        double coarse = error(name, 8);
        double fine = error(name, 64);
        System.out.printf("%-18s error 8 steps %.2e, 64 steps %.2e%n", name, coarse, fine);
        if (name.equals("DPM adaptive")) {
            // Step count is chosen by the controller (tolerances rtol 0.05, atol 0.0078).
            assertTrue(coarse < 2e-2 && fine < 2e-2, coarse + " / " + fine);
            assertEquals(coarse, fine, 1e-9, "adaptive ignores the step count");
        } else {
            // 8x the steps: a first-order method gains ~8x, second-order ones ~64x.
            assertTrue(fine < 2e-2, "64 steps: " + fine);
            assertTrue(fine < coarse / 5, "error must shrink with the steps: " + coarse + " -> " + fine);
        }
    }
}
