package jdiffusion.sampler.timesteps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import jdiffusion.sampler.Denoiser;
import jdiffusion.sampler.SamplerParams;
import jdiffusion.sampler.SamplingContext;
import jdiffusion.sampler.schedule.DiscreteSchedule;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * UniPC against exact solutions. The denoiser receives fractional model times τ; on the discrete VP
 * schedule, τ is exactly the fractional training index at which ½·ln ᾱ is interpolated, so the test
 * computes ᾱ(τ) by its own interpolation. Gaussian data N(c, s²) has the closed-form probability-flow
 * solution (in k-diffusion coordinates x/√ᾱ − c scales with sqrt((s² + σ²)/(s² + σ0²))); a denoiser
 * that always predicts the same x0 is integrated exactly by UniPC's exponential-integrator update.
 */
class UniPcTest {
    private static final DiscreteSchedule SD = DiscreteSchedule.stableDiffusion();
    private static final int N = 3 * 4 * 5;

    /** ᾱ at fractional training index τ: exp(2 · lerp(½·ln ᾱ)). */
    private static double alphaBar(double tau) {
        int i = Math.max(0, Math.min(SD.size() - 2, (int) Math.floor(tau)));
        double f = tau - i;
        double l0 = 0.5 * Math.log(SD.alphaCumprod(i));
        double l1 = 0.5 * Math.log(SD.alphaCumprod(i + 1));
        return Math.exp(2 * (l0 + f * (l1 - l0)));
    }

    private static float[] constantX0Eps(float[] x, float[] c, double tau) {
        double a = alphaBar(tau);
        float[] e = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = (float) ((x[i] - Math.sqrt(a) * c[i]) / Math.sqrt(1 - a));
        }
        return e;
    }

    private record Run(float[] x, float[] c, float[] out, List<Double> taus, int callbacks) {
    }

    private static Run run(UniPc sampler, int steps, boolean gaussian, boolean img2img, int[] timesteps) {
        SplittableRandom r = new SplittableRandom(11);
        float[] c = new float[N];
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            c[i] = (float) (r.nextDouble() - 0.5);
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        List<Double> taus = new ArrayList<>();
        Denoiser d = (xt, t) -> {
            taus.add((double) t[0]);
            float[] xs = xt.toFloatArray();
            return Tensor.of(gaussian ? GaussianData.eps(xs, c, alphaBar(t[0])) : constantX0Eps(xs, c, t[0]), xt.shape());
        };
        int[] callbacks = {0};
        SamplingContext ctx = new SamplingContext(d, () -> Tensor.zeros(1, 3, 4, 5), null, SamplerParams.DEFAULTS,
                info -> callbacks[0]++, null);
        int[] ts = timesteps != null ? timesteps : Timesteps.webui(steps, false);
        float[] out = sampler.sample(Tensor.of(x.clone(), 1, 3, 4, 5), ts, SD, ctx, img2img).toFloatArray();
        return new Run(x, c, out, taus, callbacks[0]);
    }

    /** Max error of a txt2img run (t = 1 → 1/1000, i.e. τ 999 → 0) on Gaussian data. */
    private static double gaussianError(UniPc sampler, int steps) {
        Run run = run(sampler, steps, true, false, null);
        return GaussianData.maxError(run.out, run.x, run.c, alphaBar(999), alphaBar(0));
    }

    /**
     * With the corrector, UniPC of order p converges at order p + 1. On logSNR-uniform steps (smooth in
     * λ) doubling the steps divides the error by about 2^(p+1): measured 4.7 (p = 1), 8.8–9.4 (p = 2),
     * 16 (p = 3 without lower-order final steps).
     */
    @Test
    void convergesAtOrderPPlusOneOnLogSnrSteps() {
        assertOrder(new UniPc.Options("bh1", "logSNR", 1, true), 20, 3.5);
        assertOrder(new UniPc.Options("bh1", "logSNR", 2, true), 20, 6.5);
        assertOrder(new UniPc.Options("bh2", "logSNR", 2, true), 20, 6.5);
        assertOrder(new UniPc.Options("bh1", "logSNR", 3, false), 40, 11);
    }

    private static void assertOrder(UniPc.Options o, int steps, double minRatio) {
        double coarse = gaussianError(new UniPc(o), steps);
        double fine = gaussianError(new UniPc(o), 2 * steps);
        System.out.printf("UniPC %s: error %d steps %.2e, %d steps %.2e, ratio %.1f%n", o, steps, coarse, 2 * steps,
                fine, coarse / fine);
        assertTrue(coarse / fine > minRatio, o + ": " + coarse + " -> " + fine);
    }

    /**
     * The webui's default time-uniform steps crowd the stiff end (t → 1/1000) into one lower-order step,
     * so there the error falls slowly (measured 6.7e-2 at 10 steps, 1.2e-2 at 40); still every variant and
     * skip type must get close to the exact solution.
     */
    @Test
    void everyVariantAndSkipTypeApproachesTheExactSolution() {
        for (String variant : new String[] {"bh1", "bh2"}) {
            for (String skip : new String[] {"time_uniform", "time_quadratic", "logSNR"}) {
                UniPc u = new UniPc(new UniPc.Options(variant, skip, 3, true));
                double coarse = gaussianError(u, 10);
                double fine = gaussianError(u, 40);
                assertTrue(fine < 2e-2 && fine < coarse / 3, variant + "/" + skip + ": " + coarse + " -> " + fine);
            }
        }
    }

    @Test
    void higherOrderBeatsFirstOrder() {
        double e1 = gaussianError(new UniPc(new UniPc.Options("bh1", "logSNR", 1, true)), 20);
        double e3 = gaussianError(new UniPc(new UniPc.Options("bh1", "logSNR", 3, true)), 20);
        assertTrue(e3 < e1 / 20, "order 3 " + e3 + " vs order 1 " + e1);
    }

    @Test
    void integratesAConstantDataPredictionExactly() {
        Run run = run(new UniPc(), 20, false, false, null);
        // x_t = (σ_t/σ_s)·x_s + α_t·(1 − e^{−(λ_t − λ_s)})·x0 is exact when x0 does not change.
        double aS = alphaBar(999);
        double aE = alphaBar(0);
        double sigS = Math.sqrt(1 - aS);
        double sigE = Math.sqrt(1 - aE);
        double lamS = 0.5 * Math.log(aS) - Math.log(sigS);
        double lamE = 0.5 * Math.log(aE) - Math.log(sigE);
        for (int i = 0; i < N; i++) {
            double exact = sigE / sigS * run.x[i] + Math.sqrt(aE) * (1 - Math.exp(-(lamE - lamS))) * run.c[i];
            assertEquals(exact, run.out[i], 2e-5 * Math.max(1, Math.abs(exact)), "element " + i);
        }
    }

    @Test
    void oneModelCallAndOneCallbackPerStepAtTheWebuiTimes() {
        Run run = run(new UniPc(), 20, true, false, null);
        assertEquals(20, run.taus.size(), "model calls");
        assertEquals(20, run.callbacks, "callbacks");
        assertEquals(20, new UniPc().steps(20));
        // time_uniform: t = linspace(1, 1/1000, 21); model time (t − 1/1000)·1000 = 999, 949.05, ...
        for (int k = 0; k < 20; k++) {
            assertEquals(999.0 * (1 - k / 20.0), run.taus.get(k), 2e-3, "call " + k);
        }
    }

    @Test
    void img2imgStartsAtTheLastScheduledTimestep() {
        int[] all = Timesteps.webui(20, false);
        int[] sched = java.util.Arrays.copyOf(all, 15);   // denoising strength 0.75: t_enc 15, last 701
        Run run = run(new UniPc(), 0, true, true, sched);
        assertEquals(15, run.taus.size());
        assertEquals(701.0, run.taus.get(0), 1e-3, "first model time: (701/1000 + 1/1000 − 1/1000)·1000");
        // t_k = linspace(0.702, 0.001, 16)[k]: the last call (k = 14) at (t_14 − 0.001)·1000 = 701·(1 − 14/15).
        assertEquals(701.0 * (1 - 14 / 15.0), run.taus.get(14), 1e-3, "last model time");
    }

    @Test
    void tooFewStepsForTheOrderIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> run(new UniPc(), 2, true, false, null));
        assertTrue(e.getMessage().contains("order (3)") && e.getMessage().contains("got 2"), e.getMessage());
        var v = assertThrows(IllegalArgumentException.class, () -> new UniPc.Options("vary_coeff", "time_uniform", 3, true));
        assertTrue(v.getMessage().contains("not implemented"), v.getMessage());
    }

    @Test
    void linearSolveMatchesAKnownSystem() {
        double[][] a = {{2, 1, -1}, {-3, -1, 2}, {-2, 1, 2}};
        double[] x = UniPc.solve(a, new double[] {8, -11, -3}, 3);
        assertEquals(2, x[0], 1e-12);
        assertEquals(3, x[1], 1e-12);
        assertEquals(-1, x[2], 1e-12);
        // Only the leading block is used when the order is lower: 2x + y = 8, -3x - y = -11.
        double[] lead = UniPc.solve(a, new double[] {8, -11, 99}, 2);
        assertEquals(2, lead.length);
        assertEquals(3, lead[0], 1e-12);
        assertEquals(2, lead[1], 1e-12);
    }
}
