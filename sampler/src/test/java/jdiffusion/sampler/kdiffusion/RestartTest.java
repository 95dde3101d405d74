package jdiffusion.sampler.kdiffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdiffusion.sampler.Denoiser;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.Samplers;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sampler.schedule.SchedulerOptions;
import jdiffusion.sampler.schedule.SigmaFormulas;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The webui's automatic restart list (sd_samplers_extra.restart_sampler). */
class RestartTest {
    private static final DiscreteSchedule SD = DiscreteSchedule.stableDiffusion();

    private static float[] karras(int steps) {
        return Scheduler.KARRAS.sigmas(steps, SD, SchedulerOptions.DEFAULTS);
    }

    private static final Denoiser SHRINK = (x, s) -> {
        float[] a = x.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i] * 0.5f + 0.1f;
        }
        return Tensor.of(a, x.shape());
    };

    @Test
    void belowTwentyStepsItIsHeun() {
        float[] sigmas = karras(12);
        Tensor x = ImageRng.of(RngSource.CPU.factory(), new int[] {4, 3, 3}, 1).next();
        ImageRng rng = ImageRng.of(RngSource.CPU.factory(), new int[] {4, 3, 3}, 1);
        rng.next();
        float[] heun = Samplers.byName("Heun").create().sample(x, sigmas, SamplingContext.of(SHRINK, rng)).toFloatArray();
        float[] restart = Samplers.byName("Restart").create().sample(x, sigmas, SamplingContext.of(SHRINK, null)).toFloatArray();
        assertArrayEquals(heun, restart);
        assertEquals(12, Restart.stepList(sigmas).size());
    }

    @Test
    void twentyStepsRestartOnceFromNearTwoDownToNearPointOne() {
        float[] sigmas = karras(20);
        List<Restart.Hop> hops = Restart.stepList(sigmas);
        // Main schedule: Karras with 20 - 9 = 11 steps over [sigma[-2], sigma[0]]; one restart through a
        // Karras schedule of restart_steps + 1 = 10 points (its final 0 dropped): 9 hops.
        float[] main = SigmaFormulas.karras(11, sigmas[19], sigmas[0], 7);
        assertEquals(11 + 9, hops.size());
        int at = Restart.nearest(main, 0.1f);
        int top = Restart.nearest(main, 2f);
        assertTrue(top < at);
        for (int i = 0; i < at; i++) {
            assertEquals(new Restart.Hop(main[i], main[i + 1]), hops.get(i));
        }
        float[] up = SigmaFormulas.karras(10, main[at], main[top], 7);
        for (int k = 0; k < 9; k++) {
            assertEquals(new Restart.Hop(up[k], up[k + 1]), hops.get(at + k));
        }
        assertEquals(main[top], hops.get(at).from());
        for (int i = at; i < 11; i++) {
            assertEquals(new Restart.Hop(main[i], main[i + 1]), hops.get(i + 9));
        }
    }

    @Test
    void thirtySixStepsRestartTwiceAndDrawNoiseOnEachJump() {
        float[] sigmas = karras(36);
        List<Restart.Hop> hops = Restart.stepList(sigmas);
        // restart_steps = 36 div 4 = 9, twice: 36 - 18 main hops + 2 x 9.
        assertEquals(18 + 18, hops.size());
        int[] draws = {0};
        Tensor x = Tensor.zeros(1, 4, 2, 2);
        SamplingContext ctx = SamplingContext.of(SHRINK, () -> {
            draws[0]++;
            return Tensor.zeros(1, 4, 2, 2);
        });
        Samplers.byName("Restart").create().sample(x, sigmas, ctx);
        assertEquals(2, draws[0]);
        assertEquals(2 * hops.size() - 1, ctx.modelCalls());
    }
}
